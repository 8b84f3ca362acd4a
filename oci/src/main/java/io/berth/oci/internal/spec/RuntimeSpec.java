package io.berth.oci.internal.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of the OCI runtime-spec {@code config.json} (v1.0.2) that Berth writes and reads,
 * as plain Jackson-mapped fields named exactly like the spec's JSON keys. Unknown keys are
 * ignored when reading; unset (null) fields are left out when writing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class RuntimeSpec {
  public static final String VERSION = "1.0.2";

  public String ociVersion = VERSION;
  public Process process = new Process();
  public Root root = new Root();
  public String hostname;
  public List<Mount> mounts = new ArrayList<>();
  public Map<String, String> annotations;
  public Linux linux = new Linux();

  /** {@code process}: what the container runs, as whom, with which privileges. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Process {
    public boolean terminal;
    public User user = new User();
    public List<String> args = new ArrayList<>();
    public List<String> env = new ArrayList<>();
    public String cwd = "/";
    public Capabilities capabilities;
    public List<Rlimit> rlimits;
    public boolean noNewPrivileges;
    public String apparmorProfile;
    public Integer oomScoreAdj;
    public String selinuxLabel;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class User {
    public long uid;
    public long gid;
    public Integer umask;
    public List<Long> additionalGids;
  }

  /** The five capability sets; each a list of {@code CAP_*} names. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Capabilities {
    public List<String> bounding = new ArrayList<>();
    public List<String> effective = new ArrayList<>();
    public List<String> inheritable = new ArrayList<>();
    public List<String> permitted = new ArrayList<>();
    public List<String> ambient = new ArrayList<>();
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Rlimit {
    public String type;
    public long hard;
    public long soft;

    public Rlimit() {}

    public Rlimit(String type, long hard, long soft) {
      this.type = type;
      this.hard = hard;
      this.soft = soft;
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Root {
    public String path;
    public boolean readonly;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Mount {
    public String destination;
    public String type;
    public String source;
    public List<String> options;

    public Mount() {}

    public Mount(String destination, String type, String source, List<String> options) {
      this.destination = destination;
      this.type = type;
      this.source = source;
      this.options = options;
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Linux {
    public List<Namespace> namespaces = new ArrayList<>();
    public List<String> maskedPaths;
    public List<String> readonlyPaths;
    public String cgroupsPath;
    public Resources resources;
    public Map<String, String> sysctl;
    public String rootfsPropagation;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Namespace {
    public String type;
    public String path;

    public Namespace() {}

    public Namespace(String type) {
      this.type = type;
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Resources {
    public List<DeviceRule> devices = new ArrayList<>();
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class DeviceRule {
    public boolean allow;
    public String type;
    public Long major;
    public Long minor;
    public String access;

    public DeviceRule() {}

    public DeviceRule(boolean allow, String access) {
      this.allow = allow;
      this.access = access;
    }
  }

  /** Creates an empty annotations map on first use. */
  public Map<String, String> annotations() {
    if (annotations == null) {
      annotations = new LinkedHashMap<>();
    }
    return annotations;
  }
}
