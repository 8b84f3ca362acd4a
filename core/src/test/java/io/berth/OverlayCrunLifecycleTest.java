package io.berth;

/** The lifecycle contract on overlayfs with crun. */
class OverlayCrunLifecycleTest extends LifecycleContract {
  @Override
  String driver() {
    return "overlay";
  }

  @Override
  String ociRuntime() {
    return "crun";
  }
}
