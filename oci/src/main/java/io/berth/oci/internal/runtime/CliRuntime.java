package io.berth.oci.internal.runtime;

import io.berth.oci.Conmon;
import io.berth.oci.CreateRequest;
import io.berth.oci.CreatedContainer;
import io.berth.oci.ExecProcess;
import io.berth.oci.ExecRequest;
import io.berth.oci.ExecResult;
import io.berth.oci.OciRuntime;
import io.berth.oci.OciState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** An {@link OciRuntime} driven through a runc-compatible command line. */
public final class CliRuntime implements OciRuntime {
  private final Path binary;
  private final Path stateRoot;
  private final Conmon conmon;

  public CliRuntime(Path binary, Path stateRoot, Conmon conmon) {
    this.binary = binary;
    this.stateRoot = stateRoot;
    this.conmon = conmon;
  }

  @Override
  public String name() {
    return binary.getFileName().toString();
  }

  @Override
  public Path binary() {
    return binary;
  }

  @Override
  public Path stateRoot() {
    return stateRoot;
  }

  @Override
  public String version() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public String features() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public CreatedContainer create(CreateRequest request) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public void start(String id) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public Optional<OciState> state(String id) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public void kill(String id, int signal, boolean all) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public void delete(String id, boolean force) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public void pause(String id) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public void resume(String id) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public ExecResult exec(String id, ExecRequest request, Duration timeout) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public ExecProcess execStreaming(String id, ExecRequest request) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public List<ExecProcess> execSessions(String id) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
