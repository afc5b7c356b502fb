package io.lvsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The IPVS schedulers, named as ipvsadm names them. */
public enum SchedulerName {
  RR("rr"),
  WRR("wrr"),
  LC("lc"),
  WLC("wlc"),
  SH("sh"),
  MH("mh");

  private final String ipvsName;

  SchedulerName(String ipvsName) {
    this.ipvsName = ipvsName;
  }

  @JsonValue
  public String ipvsName() {
    return ipvsName;
  }

  @JsonCreator
  public static SchedulerName of(String name) {
    for (SchedulerName s : values()) {
      if (s.ipvsName.equals(name.toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown scheduler \"" + name + "\" (expected one of " + names() + ")");
  }

  public static String names() {
    return Arrays.stream(values()).map(SchedulerName::ipvsName).collect(Collectors.joining(", "));
  }
}
