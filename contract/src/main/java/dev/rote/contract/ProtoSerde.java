package dev.rote.contract;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for a Protocol Buffers message in its standard binary encoding, with no framing:
 * any protobuf library reads and writes the same bytes.
 *
 * @param <T> the message type
 */
public final class ProtoSerde<T extends MessageLite> implements Serde<T> {

  private final Parser<T> parser;
  private final String typeName;

  public ProtoSerde(Parser<T> parser, String typeName) {
    this.parser = parser;
    this.typeName = typeName;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> value == null ? null : value.toByteArray();
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return parser.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new SerializationException(
            "record on " + topic + " is not a valid " + typeName + ": " + e.getMessage(), e);
      }
    };
  }
}
