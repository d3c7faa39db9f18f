package io.keel.grpc.internal.gateway;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.keel.grpc.internal.gateway.GoJson.Arr;
import io.keel.grpc.internal.gateway.GoJson.Bool;
import io.keel.grpc.internal.gateway.GoJson.GoJsonException;
import io.keel.grpc.internal.gateway.GoJson.Null;
import io.keel.grpc.internal.gateway.GoJson.Num;
import io.keel.grpc.internal.gateway.GoJson.Obj;
import io.keel.grpc.internal.gateway.GoJson.Str;
import io.keel.grpc.internal.gateway.GoJson.Value;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request message from a parsed JSON value, field by field as etcd 3.4's gateway fills it
 * (grpc-gateway v1's JSONPb, golang/protobuf's jsonpb with unknown fields allowed), so what etcd
 * accepts is accepted and what it refuses is refused with its words: int64 fields take numbers or
 * quoted numbers (the quotes dropped and the rest read as JSON), enums take names or numbers, bytes
 * take padded standard base64 or an array of byte values, null leaves a field unset, and when both
 * the .proto name and the lowerCamel name are sent, the lowerCamel one wins. Fields are read in
 * declaration order, oneof members after the others, so the first bad field named is etcd's.
 */
final class GoJsonPb {
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private GoJsonPb() {}

  /** The message a JSON value makes, of the prototype's type. */
  @SuppressWarnings("unchecked")
  static <T extends Message> T message(Value json, T prototype) throws GoJsonException {
    Message.Builder builder = prototype.newBuilderForType();
    fill(builder, json);
    return (T) builder.build();
  }

  private static void fill(Message.Builder builder, Value json) throws GoJsonException {
    if (json instanceof Null) {
      return;
    }
    if (!(json instanceof Obj obj)) {
      throw GoJson.typeError(json.kind(), "map[string]json.RawMessage");
    }
    Map<String, Value> members = new LinkedHashMap<>(obj.members());
    Descriptor type = builder.getDescriptorForType();
    List<FieldDescriptor> order = new ArrayList<>();
    for (FieldDescriptor f : type.getFields()) {
      if (f.getRealContainingOneof() == null) {
        order.add(f);
      }
    }
    for (FieldDescriptor f : type.getFields()) {
      if (f.getRealContainingOneof() != null) {
        order.add(f);
      }
    }
    for (FieldDescriptor f : order) {
      boolean orig = members.containsKey(f.getName());
      boolean camel = members.containsKey(f.getJsonName());
      if (!orig && !camel) {
        continue;
      }
      Value origValue = members.remove(f.getName());
      Value value = camel ? members.remove(f.getJsonName()) : origValue;
      if (camel && value == null) {
        value = origValue;
      }
      field(builder, f, value);
    }
  }

  private static void field(Message.Builder builder, FieldDescriptor f, Value json) throws GoJsonException {
    if (f.isMapField()) {
      throw new GoJsonException("map fields are not read by the gateway: " + f.getName());
    }
    if (!f.isRepeated()) {
      Object v = single(builder, f, json);
      if (v != null) {
        builder.setField(f, v);
      }
      return;
    }
    if (json instanceof Null) {
      return;
    }
    if (!(json instanceof Arr arr)) {
      throw GoJson.typeError(json.kind(), "[]json.RawMessage");
    }
    for (Value element : arr.elements()) {
      Object v = single(builder, f, element);
      builder.addRepeatedField(f, v != null ? v : defaultOf(builder, f));
    }
  }

  private static Object defaultOf(Message.Builder builder, FieldDescriptor f) {
    return switch (f.getJavaType()) {
      case MESSAGE -> builder.newBuilderForField(f).build();
      case ENUM -> f.getEnumType().findValueByNumberCreatingIfUnknown(0);
      case BYTE_STRING -> ByteString.EMPTY;
      case STRING -> "";
      case BOOLEAN -> false;
      case INT -> 0;
      case LONG -> 0L;
      case FLOAT -> 0f;
      case DOUBLE -> 0d;
    };
  }

  /** One value for a field, or null where Go leaves the field as it is (a JSON null). */
  private static Object single(Message.Builder builder, FieldDescriptor f, Value json) throws GoJsonException {
    switch (f.getJavaType()) {
      case MESSAGE:
        if (json instanceof Null) {
          return null;
        }
        Message.Builder sub = builder.newBuilderForField(f);
        fill(sub, json);
        return sub.build();
      case ENUM:
        EnumDescriptor type = f.getEnumType();
        if (json instanceof Str s) {
          EnumValueDescriptor named = type.findValueByName(s.text());
          if (named == null || !Arrays.equals(s.raw(), s.bytes())) {
            throw new GoJsonException("unknown value " + GoJson.quote(s.raw()) + " for enum " + goName(type));
          }
          return named;
        }
        Long n = integer(json, goName(type), 32, false);
        return n == null ? null : type.findValueByNumberCreatingIfUnknown(n.intValue());
      case BYTE_STRING:
        return bytes(json);
      case STRING:
        if (json instanceof Str s) {
          return s.text();
        }
        return nullOrTypeError(json, "string");
      case BOOLEAN:
        if (json instanceof Bool b) {
          return b.value();
        }
        return nullOrTypeError(json, "bool");
      case INT:
      case LONG: {
        boolean unsigned = isUnsigned(f.getType());
        int bits = f.getJavaType() == FieldDescriptor.JavaType.INT ? 32 : 64;
        String goType = (unsigned ? "uint" : "int") + bits;
        Long v = integer(quotesDropped(json), goType, bits, unsigned);
        if (v == null) {
          return null;
        }
        return bits == 32 ? (Object) v.intValue() : (Object) v;
      }
      case FLOAT:
      case DOUBLE: {
        Value v = quotesDropped(json);
        if (v instanceof Num num) {
          double d = Double.parseDouble(num.text());
          boolean isFloat = f.getJavaType() == FieldDescriptor.JavaType.FLOAT;
          if (Double.isInfinite(d) || (isFloat && Float.isInfinite((float) d))) {
            throw GoJson.typeError("number " + num.text(), isFloat ? "float32" : "float64");
          }
          return isFloat ? (Object) (float) d : (Object) d;
        }
        return nullOrTypeError(v, f.getJavaType() == FieldDescriptor.JavaType.FLOAT ? "float32" : "float64");
      }
      default:
        throw new IllegalStateException("unhandled field type " + f.getJavaType());
    }
  }

  /** jsonpb's treatment of a quoted number: the quotes dropped, the rest read as a JSON document. */
  private static Value quotesDropped(Value json) throws GoJsonException {
    return json instanceof Str s ? GoJson.unmarshal(s.raw()) : json;
  }

  private static Object nullOrTypeError(Value json, String goType) throws GoJsonException {
    if (json instanceof Null) {
      return null;
    }
    throw GoJson.typeError(json.kind(), goType);
  }

  /** An integer as Go's decoder reads one into a sized int: only plain integer literals that fit. */
  private static Long integer(Value json, String goType, int bits, boolean unsigned) throws GoJsonException {
    if (json instanceof Null) {
      return null;
    }
    if (!(json instanceof Num num)) {
      throw GoJson.typeError(json.kind(), goType);
    }
    BigInteger v;
    if (unsigned && num.text().startsWith("-")) {
      throw GoJson.typeError("number " + num.text(), goType);
    }
    try {
      v = new BigInteger(num.text());
    } catch (NumberFormatException e) {
      throw GoJson.typeError("number " + num.text(), goType);
    }
    BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
    BigInteger max = unsigned
        ? (bits == 64 ? UINT64_MAX : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE))
        : BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      throw GoJson.typeError("number " + num.text(), goType);
    }
    return v.longValue();
  }

  /** A []byte: a base64 string, or (as Go's decoder allows) an array of byte values. */
  private static ByteString bytes(Value json) throws GoJsonException {
    if (json instanceof Str s) {
      return ByteString.copyFrom(GoJson.base64(s.bytes()));
    }
    if (json instanceof Arr arr) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(arr.elements().size());
      GoJsonException first = null;
      for (Value e : arr.elements()) {
        try {
          Long b = integer(e, "uint8", 8, true);
          out.write(b == null ? 0 : b.intValue());
        } catch (GoJsonException err) {
          // Go's decoder keeps going and reports the first mismatch
          first = first == null ? err : first;
          out.write(0);
        }
      }
      if (first != null) {
        throw first;
      }
      return ByteString.copyFrom(out.toByteArray());
    }
    return (ByteString) nullOrTypeError(json, "[]uint8");
  }

  private static boolean isUnsigned(FieldDescriptor.Type t) {
    return t == FieldDescriptor.Type.UINT32 || t == FieldDescriptor.Type.UINT64
        || t == FieldDescriptor.Type.FIXED32 || t == FieldDescriptor.Type.FIXED64;
  }

  /** The enum's Go type name: its .proto package, then the nesting joined with '_'. */
  static String goName(EnumDescriptor type) {
    String pkg = type.getFile().getPackage();
    String full = type.getFullName();
    String local = pkg.isEmpty() ? full : full.substring(pkg.length() + 1);
    return (pkg.isEmpty() ? "" : pkg + ".") + local.replace('.', '_');
  }
}
