package io.berth.internal;

import io.berth.storage.ArchiveLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** What the caller set on {@code Runtime.Builder}; anything empty is detected at open. */
public record RuntimeOptions(
    Optional<Path> root,
    Optional<Path> runRoot,
    Optional<String> ociRuntime,
    Optional<String> storageDriver,
    Optional<Path> conmon,
    Optional<Duration> databaseBusyTimeout,
    Optional<ArchiveLimits> archiveLimits) {}
