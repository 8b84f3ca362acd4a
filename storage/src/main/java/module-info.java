/**
 * Berth's image and layer store: content-addressed blobs, layers unpacked once and shared,
 * images, and the read-write layers under containers, on the overlay or vfs driver.
 */
module io.berth.storage {
  requires java.sql;
  requires com.sun.jna;
  requires com.google.common;
  requires com.fasterxml.jackson.databind;
  requires org.apache.commons.compress;
  requires com.github.luben.zstd_jni;
  requires org.xerial.sqlitejdbc;

  exports io.berth.storage;
}
