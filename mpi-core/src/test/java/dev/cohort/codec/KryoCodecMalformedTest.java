package dev.cohort.codec;

import com.esotericsoftware.kryo.io.Output;
import dev.cohort.CohortException;
import dev.cohort.ErrorClass;
import dev.cohort.codec.testmodel.Color;
import dev.cohort.codec.testmodel.Drawing;
import dev.cohort.codec.testmodel.Node;
import dev.cohort.codec.testmodel.Point;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Forged, truncated and corrupted messages fail with CODEC and nothing else. */
class KryoCodecMalformedTest {
    private final KryoCodec codec = new KryoCodec(
            CodecPolicy.builder().allowPackage("dev.cohort.codec.testmodel").build(), null);

    private static void assertCodecError(Throwable t) {
        assertThat(t).isInstanceOf(CohortException.class);
        assertThat(((CohortException) t).errorClass()).isEqualTo(ErrorClass.CODEC);
    }

    private void assertDecodeFails(byte[] bytes, String messagePart) {
        assertThatThrownBy(() -> codec.decode(bytes, 0, bytes.length))
                .satisfies(KryoCodecMalformedTest::assertCodecError)
                .hasMessageContaining(messagePart);
    }

    /** A message that names a class: NAME marker, name ID 0, the name, then some filler. */
    private static byte[] namingClass(String name) {
        Output out = new Output(64, -1);
        out.writeVarInt(1, true);
        out.writeVarInt(0, true);
        out.writeString(name);
        out.writeBytes(new byte[] {1, 2, 3, 4});
        return out.toBytes();
    }

    /** An encoded empty value (which ends with its one-byte length) with a forged length instead. */
    private byte[] withLength(Object emptyValue, int length, boolean flagged) {
        byte[] empty = codec.encode(emptyValue);
        byte[] header = Arrays.copyOf(empty, empty.length - 1);
        Output out = new Output(64, -1);
        out.writeBytes(header);
        if (flagged) out.writeVarIntFlag(true, length, true);
        else out.writeVarInt(length, true);
        out.writeBytes(new byte[] {2, 2, 2, 2});
        return out.toBytes();
    }

    /**
     * A back-reference to an object the message never had: [p, p] encodes its second element as
     * Point's class and then reference ID 1 (the list is 0); forged to point past what was read, the
     * decode fails instead of returning another object.
     */
    @Test
    void forgedBackReferencesFail() {
        Point p = new Point(5, 6);
        byte[] good = codec.encode(new ArrayList<>(List.of(p, p)));
        byte[] forged = good.clone();
        assertThat(forged[forged.length - 1]).as("the second element is reference 1 (written as 1 + 2)").isEqualTo((byte) 3);
        forged[forged.length - 1] = 100;
        assertDecodeFails(forged, "Unable to resolve reference for dev.cohort.codec.testmodel.Point with id: 98");
        List<?> back = (List<?>) codec.decode(good, 0, good.length);   // the codec still works
        assertThat(back.get(1)).isSameAs(back.get(0));
    }

    @Test
    void forgedClassNamesAreRefusedOrNotFound() {
        assertDecodeFails(namingClass("java.lang.ProcessBuilder"), "refused to decode class java.lang.ProcessBuilder");
        assertDecodeFails(namingClass("[Ljava.lang.ProcessBuilder;"), "java.lang.ProcessBuilder[]");
        assertDecodeFails(namingClass("[[X"), "[[X");
        assertDecodeFails(namingClass("javax.management.BadAttributeValueExpException"), "refused");
        assertDecodeFails(namingClass("dev.cohort.codec.testmodel.DoesNotExist"), "Unable to find class");
    }

    @Test
    void forgedHugeLengthsFailBeforeAllocating() {
        long before = Runtime.getRuntime().totalMemory();
        int huge = Integer.MAX_VALUE - 8;
        List<byte[]> forged = List.of(
                withLength(new int[0], huge, false),
                withLength(new long[0], huge, false),
                withLength(new byte[0], huge, false),
                withLength(new boolean[0], huge, false),
                withLength(new Object[0], huge, false),
                withLength(new String[0], huge, false),
                withLength(new Point[0], 1 << 28, false),
                withLength(new ArrayList<>(), huge, true),
                withLength(new HashMap<>(), 1 << 29, false),
                withLength(List.of(), huge, false),
                withLength(Map.of(), huge, false));
        for (byte[] bytes : forged) {
            assertDecodeFails(bytes, "does not fit");
        }
        // a string claiming 2^27 chars: 6 length bits + continuation, then three more 7-bit groups
        byte[] string = {3, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F, 'a', 'b'};
        assertThat(codec.encode("é")[0]).isEqualTo((byte) 3);
        assertDecodeFails(string, "does not fit");
        assertThat(Runtime.getRuntime().totalMemory() - before).isLessThan(256L << 20);
    }

    @Test
    void truncatedMessagesFail() {
        Drawing d = new Drawing("t", List.of(new Point(1, 2)), Color.BLUE, Map.of("k", List.of(1, 2, 3)));
        byte[] bytes = codec.encode(d);
        for (int len = 1; len < bytes.length; len++) {
            int n = len;
            assertThatThrownBy(() -> codec.decode(bytes, 0, n)).as("first %d of %d bytes", n, bytes.length)
                    .satisfies(KryoCodecMalformedTest::assertCodecError);
        }
        assertThat(codec.decode(bytes, 0, bytes.length)).isEqualTo(d);
    }

    @Test
    void trailingBytesAndUnknownIdsFail() {
        byte[] one = codec.encode(1);
        byte[] longer = Arrays.copyOf(one, one.length + 1);
        assertDecodeFails(longer, "left over");
        assertDecodeFails(new byte[] {(byte) 99, 1, 2}, "unregistered class ID");
    }

    @Test
    void badBufferArgumentsFail() {
        byte[] bytes = codec.encode("x");
        assertThatThrownBy(() -> codec.decode(null, 0, 1)).satisfies(KryoCodecMalformedTest::assertCodecError);
        assertThatThrownBy(() -> codec.decode(bytes, 1, bytes.length)).satisfies(KryoCodecMalformedTest::assertCodecError);
        assertThatThrownBy(() -> codec.decode(bytes, -1, 1)).satisfies(KryoCodecMalformedTest::assertCodecError);
        assertThatThrownBy(() -> codec.decode(bytes, 0, 0)).satisfies(KryoCodecMalformedTest::assertCodecError);
    }

    @Test
    void corruptedMessagesDecodeOrFailWithCodecOnly() {
        Node a = new Node("a");
        a.next = new Node("b");
        a.next.next = a;
        Map<String, Object> m = new TreeMap<>();
        m.put("drawing", new Drawing("t", List.of(new Point(1, 2), new Point(3, 4)), Color.BLUE, Map.of("k", 1.5)));
        m.put("node", a);
        m.put("array", new Object[] {new int[] {1, 2}, "s", List.of(Color.RED), null});
        m.put("text", "héllo".repeat(5));
        byte[] original = codec.encode(m);
        Random random = new Random(12345);
        int failures = 0;
        for (int i = 0; i < 600; i++) {
            byte[] bytes = original.clone();
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(8) == 0 ? 1 + random.nextInt(bytes.length) : bytes.length;
            try {
                codec.decode(bytes, 0, length);
            } catch (CohortException e) {
                assertThat(e.errorClass()).isEqualTo(ErrorClass.CODEC);
                failures++;
            }
            // anything else (ClassCastException, IndexOutOfBounds, OutOfMemoryError...) fails the test
        }
        assertThat(failures).isGreaterThan(100);
        assertThat(codec.decode(original, 0, original.length)).isInstanceOf(TreeMap.class);
    }
}
