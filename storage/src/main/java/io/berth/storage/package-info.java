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
 * <p><b>Safety.</b> Archives are untrusted input. Every blob read from outside is checked
 * against its digest, and every layer against its diff id, before anything is recorded; a
 * failed or interrupted call leaves the store as it was (what a killed process left half-made
 * is removed the next time the store opens). Unpacking behaves as if chrooted into the layer:
 * names with {@code ..} are refused, symlinks are only ever followed inside the layer, and
 * whiteouts and hard links cannot reach outside it. {@link io.berth.storage.ArchiveLimits}
 * caps sizes, entry counts and metadata so that bombs fail fast.
 *
 * <p><b>Formats.</b> {@link io.berth.storage.Store#load} reads docker-archives, oci-archives and
 * OCI layout directories; {@link io.berth.storage.Store#save} writes them, in shapes podman,
 * skopeo and umoci read. Layers may be plain, gzip or zstd tars.
 *
 * <p><b>Concurrency.</b> A store is thread-safe, and several processes may share one root: a
 * store-wide lock (in-process plus {@code fcntl}) serialises every change.
 */
package io.berth.storage;
