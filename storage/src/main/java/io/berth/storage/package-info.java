/**
 * Berth's image and layer store.
 *
 * <p>Open a {@link io.berth.storage.Store} with {@link io.berth.storage.Store#builder()}. It
 * holds:
 * <ul>
 *   <li><b>blobs</b> (layer tars as they came, image configs, manifests), named by their
 *       sha256 and written to a temp name before being renamed into place;
 *   <li><b>layers</b>, each unpacked once by the {@link io.berth.storage.StorageDriver} and
 *       shared by every image and container that builds on it; a layer is identified by its
 *       chain (its diff id and its parent's), so the same content is never unpacked twice;
 *   <li><b>images</b>: an id (the config's digest), names normalised like podman's
 *       ({@code busybox} is {@code docker.io/library/busybox:latest}), a manifest digest and
 *       a config;
 *   <li><b>container layers</b>: one read-write layer per container, mounted with a count.
 * </ul>
 *
 * <p><b>Safety.</b> Archives are untrusted input, and each kind of hostile input meets one
 * rule: it is <em>rejected</em> (the call fails with a specific {@code ImageFormatException}
 * subclass and the store is left as it was) or <em>contained</em> (applied, but only inside the
 * layer).
 * <ul>
 *   <li>Every blob is checked against its digest and size, and every layer against its diff
 *       id, before anything is recorded, even when the store already has a layer of that diff
 *       id; digests other than {@code sha256:} and 64 lowercase hex digits, ambiguous
 *       manifests, media types that disagree with the data and foreign layers (never fetched)
 *       are rejected.
 *   <li>A layer is unpacked as if chrooted into it: names with {@code ..}, entries named
 *       {@code .} that are not directories, hard links to anything the layer does not hold,
 *       whiteouts through symlinks or naming no file, owners outside 0..2^32-2 and symlink
 *       chains longer than 40 are rejected; absolute names and symlinks in a name's path are
 *       resolved inside the layer, and an entry replaces a symlink at its own path rather than
 *       following it. {@code trusted.overlay.*} and {@code user.overlay.*} xattrs are never
 *       applied. Device nodes and setuid files are kept as the image says, in a driver
 *       directory only root can enter.
 *   <li>In an archive, paths that leave it are rejected and links are followed inside it only
 *       (docker-archive) or rejected (oci-archive, layout).
 *   <li>{@link io.berth.storage.ArchiveLimits} caps sizes, counts, nesting and memory, so that
 *       bombs fail fast with bounded memory.
 *   <li>Diffs, commits and exports read a container's files through descriptors opened one
 *       name at a time without following symlinks, so a running container that swaps a
 *       directory for a symlink to a host path gets nothing of the host into an archive;
 *       symlinks, fifos and devices are written header-only and never opened. A file the
 *       container names {@code .wh.*} is refused at commit, never turned into a deletion.
 * </ul>
 * A failed or interrupted call leaves the store as it was: what a killed process left
 * half-made is removed the next time the store opens.
 *
 * <p><b>Formats.</b> {@link io.berth.storage.Store#load} reads docker-archives, oci-archives and
 * OCI layout directories; {@link io.berth.storage.Store#save} writes them, in shapes podman,
 * skopeo and umoci read. Layers may be plain, gzip or zstd tars.
 *
 * <p><b>Concurrency.</b> A store is thread-safe, and several processes may share one root: a
 * store-wide lock (in-process plus {@code fcntl}) serialises every change.
 */
package io.berth.storage;
