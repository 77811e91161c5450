package dev.cohort.codec;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/**
 * A Kryo input over one whole message that refuses lengths the message cannot hold.
 *
 * <p>Kryo allocates an array as soon as it has read its length; a forged length of two billion would
 * make the receiver allocate gigabytes before noticing that the bytes are missing. Every element takes
 * at least one byte on the wire, so a length larger than the bytes left is malformed and is refused
 * here, before the allocation. {@link #checkCount} does the same for the codec's collection and array
 * serializers.
 */
final class BoundedInput extends Input {

    BoundedInput() {
        super(new byte[0]);
    }

    /** Fails unless {@code count} elements of at least {@code minBytes} each fit in what is left. */
    static void checkCount(Input input, long count, int minBytes) {
        long left = input.limit() - input.position();
        if (count < 0 || count * minBytes > left) {
            throw new KryoException("Malformed message: a length of " + count + " does not fit in the " + left
                    + " bytes left");
        }
    }

    /** Checks the length that the next varint announces (Kryo writes array lengths as length + 1, 0 for null). */
    static void checkNextLength(Input input) {
        int p = input.position();
        int n = input.readVarInt(true);
        input.setPosition(p);
        if (n != 0) checkCount(input, (n & 0xffffffffL) - 1, 1);
    }

    private void need(long count, int minBytes) {
        checkCount(this, count, minBytes);
    }

    @Override
    public byte[] readBytes(int length) throws KryoException {
        need(length, 1);
        return super.readBytes(length);
    }

    @Override
    public int[] readInts(int length) throws KryoException {
        need(length, 4);
        return super.readInts(length);
    }

    @Override
    public int[] readInts(int length, boolean optimizePositive) throws KryoException {
        need(length, varEncoding ? 1 : 4);
        return super.readInts(length, optimizePositive);
    }

    @Override
    public long[] readLongs(int length) throws KryoException {
        need(length, 8);
        return super.readLongs(length);
    }

    @Override
    public long[] readLongs(int length, boolean optimizePositive) throws KryoException {
        need(length, varEncoding ? 1 : 8);
        return super.readLongs(length, optimizePositive);
    }

    @Override
    public float[] readFloats(int length) throws KryoException {
        need(length, 4);
        return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(int length) throws KryoException {
        need(length, 8);
        return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(int length) throws KryoException {
        need(length, 2);
        return super.readShorts(length);
    }

    @Override
    public char[] readChars(int length) throws KryoException {
        need(length, 2);
        return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(int length) throws KryoException {
        need(length, 1);
        return super.readBooleans(length);
    }

    /**
     * Kryo writes a string either as ASCII bytes whose last byte has bit 8 set (nothing to check) or
     * as a UTF-8 length (char count + 1, in a varint whose first byte holds 6 bits and a continuation
     * flag in bit 7) followed by at least one byte per char.
     */
    @Override
    public String readString() {
        int p = position;
        if (p < limit && (buffer[p] & 0x80) != 0) {
            int b = buffer[p++];
            long count = b & 0x3F;
            if ((b & 0x40) != 0) {
                for (int shift = 6; shift <= 27 && p < limit; shift += 7) {
                    b = buffer[p++];
                    count |= (long) (b & 0x7F) << shift;
                    if ((b & 0x80) == 0) break;
                }
            }
            // count is chars + 1; the chars must fit after the length bytes
            if (count > 1 && count - 1 > limit - p) {
                throw new KryoException("Malformed message: a string of " + (count - 1) + " chars does not fit in the "
                        + (limit - p) + " bytes left");
            }
        }
        return super.readString();
    }
}
