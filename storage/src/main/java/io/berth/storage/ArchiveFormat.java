package io.berth.storage;

/** The on-disk image formats {@link Store#save} writes and {@link Store#load} reads. */
public enum ArchiveFormat {
  /** A tar as written by {@code docker save} and {@code podman save --format docker-archive}. */
  DOCKER_ARCHIVE,
  /** A tar of an OCI image layout, as written by {@code podman save --format oci-archive}. */
  OCI_ARCHIVE,
  /** An OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/}). */
  OCI_LAYOUT
}
