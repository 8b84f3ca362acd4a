/**
 * Berth: an embeddable, daemonless container engine. Open a {@link io.berth.Runtime}, then
 * create, run, exec into, stop, export and commit OCI containers.
 */
module io.berth {
  requires transitive io.berth.storage;
  requires transitive io.berth.oci;
  requires java.sql;
  requires com.sun.jna;
  requires com.google.common;
  requires com.fasterxml.jackson.databind;
  requires org.xerial.sqlitejdbc;

  exports io.berth;

  // Stored records are read and written by Jackson through their fields.
  opens io.berth.internal to com.fasterxml.jackson.databind;
}
