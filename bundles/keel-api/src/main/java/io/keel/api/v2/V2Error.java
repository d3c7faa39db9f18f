package io.keel.api.v2;

/**
 * etcd's v2 error (v2error.Error): a code, etcd's message for it, a cause (usually the key) and the
 * store index. Serialized as {@code {"errorCode":100,"message":"Key not found","cause":"/k","index":5}}.
 */
public final class V2Error extends Exception {
  public static final int KEY_NOT_FOUND = 100;
  public static final int TEST_FAILED = 101;
  public static final int NOT_FILE = 102;
  public static final int NOT_DIR = 104;
  public static final int NODE_EXIST = 105;
  public static final int ROOT_READ_ONLY = 107;
  public static final int DIR_NOT_EMPTY = 108;
  public static final int PREV_VALUE_REQUIRED = 201;
  public static final int TTL_NAN = 202;
  public static final int INDEX_NAN = 203;
  public static final int INVALID_FIELD = 209;
  public static final int INVALID_FORM = 210;
  public static final int REFRESH_VALUE = 211;
  public static final int REFRESH_TTL_REQUIRED = 212;
  public static final int RAFT_INTERNAL = 300;
  public static final int LEADER_ELECT = 301;
  public static final int EVENT_INDEX_CLEARED = 401;

  private final int errorCode;
  private final String cause;
  private final long index;

  public V2Error(int errorCode, String cause, long index) {
    super(message(errorCode));
    this.errorCode = errorCode;
    this.cause = cause;
    this.index = index;
  }

  public int errorCode() {
    return errorCode;
  }

  public String cause() {
    return cause;
  }

  public long index() {
    return index;
  }

  /** The same error at another store index. */
  public V2Error at(long newIndex) {
    return new V2Error(errorCode, cause, newIndex);
  }

  /** etcd's HTTP status for the code (v2error.errorStatus; 400 for the rest). */
  public int httpStatus() {
    return switch (errorCode) {
      case KEY_NOT_FOUND -> 404;
      case NOT_FILE, DIR_NOT_EMPTY -> 403;
      case TEST_FAILED, NODE_EXIST -> 412;
      case RAFT_INTERNAL, LEADER_ELECT -> 500;
      default -> 400;
    };
  }

  /** etcd's text for each code (v2error.errors). */
  public static String message(int code) {
    return switch (code) {
      case KEY_NOT_FOUND -> "Key not found";
      case TEST_FAILED -> "Compare failed";
      case NOT_FILE -> "Not a file";
      case NOT_DIR -> "Not a directory";
      case NODE_EXIST -> "Key already exists";
      case ROOT_READ_ONLY -> "Root is read only";
      case DIR_NOT_EMPTY -> "Directory not empty";
      case PREV_VALUE_REQUIRED -> "PrevValue is Required in POST form";
      case TTL_NAN -> "The given TTL in POST form is not a number";
      case INDEX_NAN -> "The given index in POST form is not a number";
      case INVALID_FIELD -> "Invalid field";
      case INVALID_FORM -> "Invalid POST form";
      case REFRESH_VALUE -> "Value provided on refresh";
      case REFRESH_TTL_REQUIRED -> "A TTL must be provided on refresh";
      case RAFT_INTERNAL -> "Raft Internal Error";
      case LEADER_ELECT -> "During Leader Election";
      case EVENT_INDEX_CLEARED -> "The event in requested index is outdated and cleared";
      default -> "Unknown error";
    };
  }
}
