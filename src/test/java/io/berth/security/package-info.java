/**
 * Hostile images, archives and containers against Berth, through the public {@code Runtime}
 * API (and the {@code Store} API where only it can set small limits), with real runc, conmon
 * and overlayfs. Every case ends with two checks: a {@link io.berth.security.Canary} tree
 * outside the store is byte for byte and mode for mode unchanged, with nothing mounted on it;
 * and the store is consistent (no temp file, a layer directory for exactly the layers images
 * use, and a new import and a container from it work). Rejections are asserted as
 * {@code StorageFailureException} (or the container's exception) whose cause is the module's
 * specific exception, with its message.
 *
 * <h2>The rules: one per kind of hostile input</h2>
 *
 * <p><em>Rejected</em>: the call fails with a specific exception and nothing is kept.
 * <em>Contained</em>: the input is applied, but cannot reach or change anything outside the
 * layer or rootfs.
 *
 * <table>
 *   <caption>Hostile input, the rule Berth applies, and the test that shows it</caption>
 *   <tr><th>input</th><th>rule</th><th>test</th></tr>
 *   <tr><td>entry name with a {@code ..} component, also in a PAX {@code path}, a GNU long
 *       name, a hard link's PAX {@code linkpath} or GNU long link</td>
 *       <td>rejected: {@code UnsafeArchiveEntryException}</td>
 *       <td>{@link io.berth.security.EntryEscapeTest}</td></tr>
 *   <tr><td>absolute entry name (also in a PAX {@code path})</td>
 *       <td>contained: the leading {@code /} is dropped</td><td>EntryEscapeTest</td></tr>
 *   <tr><td>entry written through a symlink (absolute, climbing with {@code ..}, from a PAX
 *       {@code linkpath}, after a directory was replaced by a symlink, or from a lower
 *       layer)</td>
 *       <td>contained: symlinks are followed as if chrooted into the layer; on overlay a
 *       lower layer's symlink is shadowed by the new layer's directory, on vfs followed
 *       inside the rootfs</td><td>EntryEscapeTest</td></tr>
 *   <tr><td>mode or owner change on a path that is a symlink (same or lower layer)</td>
 *       <td>contained: the entry replaces the symlink, never its target</td>
 *       <td>EntryEscapeTest</td></tr>
 *   <tr><td>symlink or file named {@code .} (or {@code ./}, {@code /./.})</td>
 *       <td>rejected: names the root but is not a directory</td><td>EntryEscapeTest</td></tr>
 *   <tr><td>hard link to an outside file: absolute, through {@code ..}, through a
 *       symlink</td>
 *       <td>rejected ({@code ..}: {@code UnsafeArchiveEntryException}; otherwise the target is
 *       resolved inside the layer, where it does not exist); a hard link to a symlink links
 *       the symlink itself</td><td>EntryEscapeTest</td></tr>
 *   <tr><td>whiteout through a symlink, with {@code ..}, or naming nothing, {@code .} or
 *       {@code ..} ({@code .wh.}, {@code .wh..}, {@code .wh...})</td>
 *       <td>rejected: {@code UnsafeArchiveEntryException} (on overlay a lower layer's
 *       symlink is not in the way: the whiteout lands in the new layer's own directory)</td>
 *       <td>{@link io.berth.security.HostileWhiteoutTest}</td></tr>
 *   <tr><td>whiteout and re-creation of a path in one layer, in either order (also entries
 *       below a whited-out directory without its own entry, and opaque markers)</td>
 *       <td>contained: the same rootfs for every order, on both drivers</td>
 *       <td>HostileWhiteoutTest</td></tr>
 *   <tr><td>device nodes (even of the host's disk), fifos, setuid and setgid files</td>
 *       <td>contained: kept as the image says, in a driver directory only root can enter
 *       (0700); in a container the device cgroup denies every device but the default
 *       ones</td><td>{@link io.berth.security.SpecialEntriesTest}</td></tr>
 *   <tr><td>root entry ({@code ./}, {@code /}) with any mode and owner</td>
 *       <td>contained: changes the container's {@code /}, never a directory of the store</td>
 *       <td>SpecialEntriesTest</td></tr>
 *   <tr><td>{@code trusted.overlay.*} and {@code user.overlay.*} xattrs</td>
 *       <td>contained: never applied (other xattrs are)</td><td>SpecialEntriesTest</td></tr>
 *   <tr><td>owner ids outside 0..2^32-2</td>
 *       <td>rejected: {@code ImageFormatException}</td><td>SpecialEntriesTest</td></tr>
 *   <tr><td>{@code /etc/passwd} or {@code /etc/group} linked to host files, a device or a
 *       fifo, or huge</td>
 *       <td>contained: read inside the rootfs only (links resolved with the rootfs as
 *       {@code /}), only regular files, reached with {@code O_PATH} so a device or fifo is
 *       never opened, at most 1 MiB; otherwise the start is rejected
 *       ({@code InvalidSpecException})</td>
 *       <td>{@link io.berth.security.RootfsSymlinkTest}</td></tr>
 *   <tr><td>working directory or bind-mount destination that is a symlink out of the
 *       rootfs</td>
 *       <td>contained: Berth writes nothing into a rootfs on the host; runc and crun resolve
 *       the path inside the rootfs (a dangling link is refused, or made a directory inside)</td>
 *       <td>RootfsSymlinkTest</td></tr>
 *   <tr><td>{@code /dev}, {@code /proc} or {@code /sys} that is a symlink or a file</td>
 *       <td>rejected before the runtime runs ({@code InvalidSpecException}): through such a
 *       symlink runc 1.1 creates /dev's links, and crun 1.8 also /dev's device nodes, in the
 *       host directory it names</td><td>RootfsSymlinkTest</td></tr>
 *   <tr><td>docker-archive {@code manifest.json} paths that are absolute or leave the
 *       archive; members that are links</td>
 *       <td>rejected; links are followed inside the archive only (so docker save's
 *       {@code ../<id>/layer.tar} works)</td>
 *       <td>{@link io.berth.security.ArchiveMetadataTest}</td></tr>
 *   <tr><td>oci-archive members that are links; layout blobs that are symlinks, behind one,
 *       or not regular files (a fifo is never opened)</td>
 *       <td>rejected</td><td>ArchiveMetadataTest</td></tr>
 *   <tr><td>digest, size or diff-id mismatch of a layer, config or manifest, also when the
 *       store has a layer of the claimed diff id</td>
 *       <td>rejected before anything is recorded: {@code DigestMismatchException}</td>
 *       <td>ArchiveMetadataTest</td></tr>
 *   <tr><td>digest strings other than {@code sha256:} and 64 lowercase hex digits;
 *       manifests with both {@code layers} and {@code manifests}; media types that disagree
 *       with the index or the data</td>
 *       <td>rejected</td><td>ArchiveMetadataTest</td></tr>
 *   <tr><td>foreign layers (descriptors with {@code urls})</td>
 *       <td>rejected, nothing fetched (a local server counts zero requests)</td>
 *       <td>ArchiveMetadataTest</td></tr>
 *   <tr><td>gzip and zstd bombs, compressed archive bombs, zstd windows over 128 MiB,
 *       absurd size fields, huge PAX headers (also global ones adding up), PAX times with
 *       huge exponents, long names, deep JSON, multi-megabyte manifests and configs, too
 *       many entries or members</td>
 *       <td>rejected at a cap of {@code ArchiveLimits} named in the message
 *       ({@code ArchiveLimitExceededException}), read only a bounded amount; each cap can be
 *       raised</td><td>{@link io.berth.security.ArchiveLimitsTest}</td></tr>
 *   <tr><td>a million empty gzip members</td>
 *       <td>contained: read one after another in constant stack and memory</td>
 *       <td>ArchiveLimitsTest</td></tr>
 *   <tr><td>paths past PATH_MAX on the host, names past NAME_MAX, symlink loops and chains
 *       over 40 links</td>
 *       <td>rejected: {@code ImageFormatException}, {@code UnsafeArchiveEntryException}</td>
 *       <td>ArchiveLimitsTest</td></tr>
 *   <tr><td>a file the container names {@code .wh.*}</td>
 *       <td>rejected at commit, never a deletion; real deletions become whiteouts</td>
 *       <td>{@link io.berth.security.CommitExportTest}</td></tr>
 *   <tr><td>symlinks, fifos and devices in an export</td>
 *       <td>contained: header-only entries, never opened</td><td>CommitExportTest</td></tr>
 *   <tr><td>a running container swapping a directory for a symlink to a host path while it
 *       is exported or committed</td>
 *       <td>contained: files are reached through {@code O_PATH} handles one name at a time,
 *       never through a symlink; what changed meanwhile is read as it is now, or left
 *       out</td><td>CommitExportTest</td></tr>
 *   <tr><td>container names malformed, longer than 128 or looking like an id; env entries
 *       with NUL, {@code =} or an empty name; relative or {@code /proc} working directories;
 *       user or group ids above 2^31-1</td>
 *       <td>rejected by the builders ({@code IllegalArgumentException}) before anything is
 *       written</td><td>{@link io.berth.security.ApiInputTest}</td></tr>
 *   <tr><td>the JVM killed (SIGKILL) during a layer unpack or a commit</td>
 *       <td>the next open removes the partial layer and temp files; the store works</td>
 *       <td>{@link io.berth.security.CrashTest}</td></tr>
 * </table>
 */
package io.berth.security;
