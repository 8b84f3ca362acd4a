package io.berth.bench;

import io.berth.Images;
import io.berth.storage.Image;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Workload 4: unpacking the big layer. GNU {@code tar -xf} of the layer tar into an empty
 * directory is the reference (also followed by {@code sync}: Berth makes a layer durable before
 * it records it, tar does not); Berth {@code load}s the docker-archive holding it (and, for
 * comparison, {@code importRootfs}es the bare layer tar); podman {@code load}s the same archive.
 * Every repetition starts from an empty store and with no dirty pages left by the one before.
 */
final class UnpackBench {
  static final String NAME = "unpack";

  private UnpackBench() {}

  static void run(Fixtures f) throws Exception {
    BigImage big = f.big();
    Images images = f.berth("runc").runtime.images();
    Podman podman = f.podman();
    Path target = f.ws.root().resolve("unpack-gnu-tar");

    List<Contender> contenders = List.of(
        gnuTar(f, big, target, false),
        gnuTar(f, big, target, true),
        berth(f, images, "Berth load (docker-archive)",
            () -> images.load(big.archive())),
        berth(f, images, "Berth importRootfs (layer tar)",
            () -> List.of(images.importRootfs(big.layer(), BigImage.REFERENCE))),
        new Contender() {
          @Override
          public String name() {
            return "podman load";
          }

          @Override
          public void before(int round) {
            f.sync();
          }

          @Override
          public void run(int round) {
            podman.run("load", "--quiet", "--input", big.archive().toString());
          }

          @Override
          public void after(int round) {
            podman.run("rmi", BigImage.REFERENCE);
          }
        });

    Effort e = f.effort;
    f.out.printf("  1 warm-up + %d timed rounds of %d contenders%n", e.ioRepetitions(),
        contenders.size());
    Map<String, Samples> samples = new Sampler(1, e.ioRepetitions()).measure(contenders);
    samples.forEach((name, s) -> f.report.add(Row.throughput(NAME, name, s, big.bytes())));
    Row tar = f.report.row(NAME, "GNU tar -xf");
    for (String who : List.of("GNU tar -xf; sync", "Berth load (docker-archive)",
        "Berth importRootfs (layer tar)", "podman load")) {
      double share = f.report.ratio(f.report.row(NAME, who), tar, "of GNU tar's throughput");
      if (who.startsWith("Berth load")) {
        f.report.target(NAME, "Berth load >= 0.8x GNU tar -xf throughput",
            Report.ratio(share), share >= 0.8);
      }
    }
    f.report.note(String.format("unpack/export: one layer of %.1f MB (%d generated files of"
        + " mixed sizes plus busybox); rates are layer MB per second", big.bytes() / Row.MB,
        big.files()));
  }

  /**
   * GNU tar into an empty directory; with {@code sync}, also until the data is on disk, which
   * is what Berth guarantees before it records a layer (tar alone leaves it in the page cache).
   */
  private static Contender gnuTar(Fixtures f, BigImage big, Path target, boolean sync) {
    return new Contender() {
      @Override
      public String name() {
        return sync ? "GNU tar -xf; sync" : "GNU tar -xf";
      }

      @Override
      public void before(int round) throws Exception {
        Files.createDirectories(target);
        f.sync();
      }

      @Override
      public void run(int round) {
        f.cmd.run("tar", "-xf", big.layer().toString(), "-C", target.toString());
        if (sync) {
          f.sync();
        }
      }

      @Override
      public void after(int round) {
        f.ws.delete(target);
      }
    };
  }

  /** Berth bringing the big image into an empty store, which it empties again after. */
  private static Contender berth(Fixtures f, Images images, String name,
      Supplier<List<Image>> load) {
    return new Contender() {
      private List<Image> loaded;

      @Override
      public String name() {
        return name;
      }

      @Override
      public void before(int round) {
        requireAbsent(images);
        f.sync();
      }

      @Override
      public void run(int round) {
        loaded = load.get();
      }

      @Override
      public void after(int round) {
        loaded.forEach(i -> images.remove(i.id()));
      }
    };
  }

  /** A leftover image would make the next load skip the unpack and time nothing. */
  private static void requireAbsent(Images images) {
    if (images.find(BigImage.REFERENCE).isPresent()) {
      throw new BenchException(BigImage.REFERENCE + " is still in the store before a load");
    }
  }
}
