package io.berth.oci.internal.spec;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson mapper of the oci module: thread-safe once built, bounded when reading. */
public final class SpecJson {
  /** config.json files are a few KB; this cap keeps a hostile one from exhausting memory. */
  public static final int MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(64)
        .maxStringLength(MAX_DOCUMENT_BYTES)
        .maxDocumentLength(MAX_DOCUMENT_BYTES)
        .build());
  }

  private SpecJson() {}
}
