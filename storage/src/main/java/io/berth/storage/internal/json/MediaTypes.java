package io.berth.storage.internal.json;

import java.util.Set;

/** The media types Berth reads and writes. */
public final class MediaTypes {
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

  public static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
  public static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_LIST);
  public static final Set<String> GZIP_LAYERS = Set.of(
      "application/vnd.oci.image.layer.v1.tar+gzip",
      "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
      "application/vnd.docker.image.rootfs.diff.tar.gzip",
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");
  public static final Set<String> ZSTD_LAYERS = Set.of(
      "application/vnd.oci.image.layer.v1.tar+zstd");
  public static final Set<String> PLAIN_LAYERS = Set.of(
      "application/vnd.oci.image.layer.v1.tar",
      "application/vnd.oci.image.layer.nondistributable.v1.tar",
      "application/vnd.docker.image.rootfs.diff.tar");

  private MediaTypes() {}
}
