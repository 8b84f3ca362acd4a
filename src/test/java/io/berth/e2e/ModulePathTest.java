package io.berth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Berth's jars, as packaged, resolve as named modules on the module path, and each exports its
 * one API package and nothing else.
 */
class ModulePathTest {

  private static final Map<String, String> API_PACKAGES = Map.of(
      "io.berth", "io.berth",
      "io.berth.storage", "io.berth.storage",
      "io.berth.oci", "io.berth.oci");

  @Test
  void resolve_examplesModule_pullsInEveryBerthModule() {
    Configuration config = resolve("io.berth.examples");

    Set<String> names = config.modules().stream().map(ResolvedModule::name)
        .collect(Collectors.toSet());
    assertThat(names).contains("io.berth", "io.berth.storage", "io.berth.oci",
        "io.berth.testkit", "io.berth.examples");
  }

  @Test
  void exports_eachModule_exportsOnlyItsApiPackage() {
    Configuration config = resolve("io.berth");
    for (Map.Entry<String, String> e : API_PACKAGES.entrySet()) {
      ModuleDescriptor descriptor = config.findModule(e.getKey()).orElseThrow()
          .reference().descriptor();
      Set<String> unqualified = descriptor.exports().stream()
          .filter(x -> !x.isQualified())
          .map(ModuleDescriptor.Exports::source)
          .collect(Collectors.toSet());
      assertThat(unqualified).as("unqualified exports of %s", e.getKey())
          .containsExactly(e.getValue());
      assertThat(descriptor.isAutomatic()).isFalse();
    }
  }

  @Test
  void layer_berthModules_loadOnTheirOwn() throws Exception {
    Configuration config = resolve("io.berth");
    ModuleLayer layer = ModuleLayer.boot()
        .defineModulesWithOneLoader(config, ClassLoader.getPlatformClassLoader());

    Class<?> root = layer.findLoader("io.berth").loadClass("io.berth.BerthException");

    assertThat(root.getModule().getName()).isEqualTo("io.berth");
    assertThat(RuntimeException.class).isAssignableFrom(root);
  }

  /** Resolves {@code root} against the jars on the test class path, as a launcher would. */
  private static Configuration resolve(String root) {
    String classPath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    Path[] jars = Arrays.stream(classPath.split(File.pathSeparator))
        .filter(p -> p.endsWith(".jar"))
        .map(Path::of)
        .toArray(Path[]::new);
    assertThat(jars).as("jars on the test class path").isNotEmpty();
    return ModuleLayer.boot().configuration()
        .resolve(ModuleFinder.of(jars), ModuleFinder.of(), Set.of(root));
  }
}
