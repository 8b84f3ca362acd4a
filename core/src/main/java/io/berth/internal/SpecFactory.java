package io.berth.internal;

import io.berth.ContainerConfig;
import io.berth.oci.ContainerSettings;
import io.berth.oci.ImageDefaults;
import io.berth.oci.NetworkMode;
import io.berth.oci.Signals;
import io.berth.storage.ImageConfig;
import java.nio.file.Path;

/** Maps a container's config and its image's config onto the OCI module's spec inputs. */
final class SpecFactory {
  private SpecFactory() {}

  static ContainerSettings settings(String id, ContainerConfig config, Path rootfs) {
    ContainerSettings.Builder b = ContainerSettings.builder()
        .rootfs(rootfs)
        .env(config.env())
        .privileged(config.privileged())
        .readOnlyRootfs(config.readOnlyRootfs())
        .stdin(config.stdin())
        .network(config.hostNetwork() ? NetworkMode.HOST : NetworkMode.NONE)
        .cgroupsPath("/berth/" + id)
        .annotation("io.berth.container.id", id);
    config.entrypoint().ifPresent(b::entrypoint);
    config.command().ifPresent(b::command);
    config.workingDir().ifPresent(b::workingDir);
    config.user().ifPresent(b::user);
    b.hostname(config.hostname().orElse(id.substring(0, 12)));
    config.bindMounts().forEach(b::bindMount);
    config.annotations().forEach(b::annotation);
    return b.build();
  }

  static ImageDefaults defaults(ImageConfig image) {
    ImageDefaults.Builder b = ImageDefaults.builder()
        .entrypoint(image.entrypoint())
        .cmd(image.cmd())
        .env(image.env());
    image.workingDir().ifPresent(b::workingDir);
    image.user().ifPresent(b::user);
    image.stopSignal().ifPresent(b::stopSignal);
    return b.build();
  }

  /** The container's stop signal, else the image's, else SIGTERM. */
  static int stopSignal(ContainerConfig config, ImageConfig image) {
    if (config.stopSignal().isPresent()) {
      return config.stopSignal().getAsInt();
    }
    return image.stopSignal().map(Signals::number).orElse(Signals.SIGTERM);
  }
}
