package dev.rote.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * The fuzzer's mutations of valid records, as broken or hostile producers would send them: a null
 * value, garbage bytes, a truncated or bit-flipped encoding, field-level changes of the valid
 * protobuf (extreme numbers, NaN, empty or foreign strings, unknown enum values, cleared, shortened
 * or grown repeated fields, a different oneof case), an oversized record (a field of 33 MiB, beyond
 * Rote's 32 MiB topic limit), and a wrong, empty or null key. A {@link Mutation} is what jqwik
 * generates (and shrinks); {@link Mutation#apply} turns a valid record into the {@link Mutant} sent.
 */
final class RecordMutations {

  /** What a mutation does to a valid record. */
  enum Kind { VALID, NULL_VALUE, GARBAGE, TRUNCATED, BIT_FLIPS, FIELDS, OVERSIZED }

  /** What a mutation does to the record's key. */
  enum KeyChange { SAME, NULL, EMPTY, OTHER_RUN }

  /** Larger than {@code Topics.MAX_MESSAGE_BYTES}, the largest record Rote's topics take. */
  static final int OVERSIZED_BYTES = 33 * 1024 * 1024;

  /**
   * A record as sent.
   *
   * @param key the record key (the run id, unless mutated)
   * @param value the value bytes, or {@code null}
   * @param kind the mutation that made it
   * @param description what was done, for failure messages
   */
  record Mutant(String key, byte[] value, Kind kind, String description) {
    @Override
    public String toString() {
      return kind + " key=" + key + " (" + (value == null ? "null" : value.length + " bytes") + "): " + description;
    }
  }

  /**
   * One generated mutation; {@code seed} drives the choices that depend on the record's shape
   * (positions, which field, which value).
   */
  record Mutation(Kind kind, KeyChange key, long seed, int count) {

    Mutant apply(String runId, Message valid) {
      String k = switch (key) {
        case SAME -> runId;
        case NULL -> null;
        case EMPTY -> "";
        case OTHER_RUN -> runId + "-other";
      };
      Random r = new Random(seed);
      byte[] bytes = valid.toByteArray();
      return switch (kind) {
        case VALID -> new Mutant(k, bytes, kind, "valid");
        case NULL_VALUE -> new Mutant(k, null, kind, "null value");
        case GARBAGE -> {
          byte[] g = new byte[count % 300];
          r.nextBytes(g);
          yield new Mutant(k, g, kind, g.length + " random bytes");
        }
        case TRUNCATED -> {
          int at = bytes.length == 0 ? 0 : r.nextInt(bytes.length);
          yield new Mutant(k, Arrays.copyOf(bytes, at), kind, "truncated to " + at + " of " + bytes.length + " bytes");
        }
        case BIT_FLIPS -> {
          byte[] f = bytes.clone();
          for (int i = 0; i < 1 + count % 8 && f.length > 0; i++) {
            f[r.nextInt(f.length)] ^= (byte) (1 << r.nextInt(8));
          }
          yield new Mutant(k, f, kind, (1 + count % 8) + " bit flips");
        }
        case FIELDS -> {
          StringBuilder what = new StringBuilder();
          Message m = valid;
          for (int i = 0; i < 1 + count % 3; i++) {
            m = mutateField(m, r, what, 0);
          }
          yield new Mutant(k, m.toByteArray(), kind, what.toString());
        }
        case OVERSIZED -> new Mutant(k, oversized(valid, r), kind, "a " + OVERSIZED_BYTES + "-byte field");
      };
    }
  }

  private RecordMutations() {}

  /** Mutations, mostly cheap ones; about one in twenty leaves the record valid, one in 200 is oversized. */
  static Arbitrary<Mutation> mutations() {
    Arbitrary<Kind> kinds = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(10, Arbitraries.just(Kind.VALID)),
        net.jqwik.api.Tuple.of(10, Arbitraries.just(Kind.NULL_VALUE)),
        net.jqwik.api.Tuple.of(25, Arbitraries.just(Kind.GARBAGE)),
        net.jqwik.api.Tuple.of(30, Arbitraries.just(Kind.TRUNCATED)),
        net.jqwik.api.Tuple.of(30, Arbitraries.just(Kind.BIT_FLIPS)),
        net.jqwik.api.Tuple.of(90, Arbitraries.just(Kind.FIELDS)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.OVERSIZED)));
    Arbitrary<KeyChange> keys = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(40, Arbitraries.just(KeyChange.SAME)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(KeyChange.NULL)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(KeyChange.EMPTY)),
        net.jqwik.api.Tuple.of(2, Arbitraries.just(KeyChange.OTHER_RUN)));
    return Combinators.combine(kinds, keys, Arbitraries.longs(), Arbitraries.integers().between(0, 10_000))
        .as(Mutation::new);
  }

  /** One field of {@code m}, or of a message inside it, set to an edge value, cleared, shortened or grown. */
  static Message mutateField(Message m, Random r, StringBuilder what, int depth) {
    List<FieldDescriptor> fields = m.getDescriptorForType().getFields();
    FieldDescriptor f = fields.get(r.nextInt(fields.size()));
    Message.Builder b = m.toBuilder();
    what.append(what.length() == 0 ? "" : "; ").append(m.getDescriptorForType().getName()).append('.')
        .append(f.getName()).append(' ');
    if (f.isMapField()) {
      b.clearField(f);
      what.append("cleared");
    } else if (f.isRepeated()) {
      int n = b.getRepeatedFieldCount(f);
      switch (r.nextInt(5)) {
        case 0 -> {
          b.clearField(f);
          what.append("cleared");
        }
        case 1 -> {
          if (n > 0) {
            Object kept = b.getRepeatedField(f, 0);
            b.clearField(f);
            b.addRepeatedField(f, kept);
          }
          what.append("shortened to 1");
        }
        case 2 -> {
          int add = 1 + r.nextInt(5);
          for (int i = 0; i < add; i++) {
            b.addRepeatedField(f, edge(b, f, r, depth));
          }
          what.append(add).append(" added");
        }
        default -> {
          if (n > 0) {
            int i = r.nextInt(n);
            Object v = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth < 3
                ? mutateField((Message) b.getRepeatedField(f, i), r, new StringBuilder(), depth + 1)
                : edge(b, f, r, depth);
            b.setRepeatedField(f, i, v);
            what.append("[").append(i).append("] = ").append(brief(v));
          } else {
            what.append("untouched (empty)");
          }
        }
      }
    } else if (r.nextInt(6) == 0) {
      b.clearField(f);
      what.append("cleared");
    } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth < 3) {
      StringBuilder inner = new StringBuilder();
      b.setField(f, mutateField((Message) b.getField(f), r, inner, depth + 1));
      what.append("{").append(inner).append("}");
    } else {
      Object v = edge(b, f, r, depth);
      b.setField(f, v);
      what.append("= ").append(brief(v));
    }
    return b.build();
  }

  private static Object edge(Message.Builder b, FieldDescriptor f, Random r, int depth) {
    return switch (f.getJavaType()) {
      case INT -> pick(r, 0, -1, 1, 2, 127, 128, Integer.MIN_VALUE, Integer.MAX_VALUE, r.nextInt());
      case LONG -> pick(r, 0L, -1L, 1L, 1L << 31, 1L << 40, Long.MIN_VALUE, Long.MAX_VALUE, r.nextLong());
      case FLOAT -> pick(r, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, -1f, 0f,
          Float.MAX_VALUE, Float.MIN_VALUE, r.nextFloat() * 1e6f);
      case DOUBLE -> pick(r, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0d, -1d, 0d, 2d,
          Double.MAX_VALUE, Double.MIN_VALUE, r.nextGaussian());
      case BOOLEAN -> r.nextBoolean();
      case STRING -> pick(r, "", " ", "other-run", "é\u0000\uFFFD", "x".repeat(10_000), "run@replay-1");
      case BYTE_STRING -> {
        byte[] x = new byte[r.nextInt(64)];
        r.nextBytes(x);
        yield ByteString.copyFrom(x);
      }
      case ENUM -> r.nextBoolean()
          ? f.getEnumType().getValues().get(r.nextInt(f.getEnumType().getValues().size()))
          : f.getEnumType().findValueByNumberCreatingIfUnknown(1000 + r.nextInt(1000));
      case MESSAGE -> {
        Message empty = b.newBuilderForField(f).build();
        yield depth < 3 && r.nextBoolean() ? mutateField(empty, r, new StringBuilder(), depth + 1) : empty;
      }
    };
  }

  @SafeVarargs
  private static <T> T pick(Random r, T... options) {
    return options[r.nextInt(options.length)];
  }

  private static String brief(Object v) {
    String s = String.valueOf(v);
    return s.length() > 40 ? s.substring(0, 40) + "...(" + s.length() + " chars)" : s;
  }

  /** The valid record with an unknown length-delimited field of {@link #OVERSIZED_BYTES} appended. */
  private static byte[] oversized(Message valid, Random r) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(OVERSIZED_BYTES + 1024);
      valid.writeTo(out);
      CodedOutputStream c = CodedOutputStream.newInstance(out);
      byte[] filler = new byte[OVERSIZED_BYTES];
      filler[r.nextInt(filler.length)] = 1;
      c.writeByteArray(1000 + r.nextInt(1000), filler);
      c.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
