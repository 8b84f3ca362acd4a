package io.berth;

/** The lifecycle contract on the vfs driver with runc. */
class VfsRuncLifecycleTest extends LifecycleContract {
  @Override
  String driver() {
    return "vfs";
  }

  @Override
  String ociRuntime() {
    return "runc";
  }
}
