package dev.cohort.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.ReferenceResolver;
import com.esotericsoftware.kryo.util.IdentityObjectIntMap;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.UUID;

/**
 * The codec's reference tracking (shared and cyclic references survive a message), tuned for the
 * small graphs most messages are.
 *
 * <p>On encode, the objects written so far are looked up by identity. Kryo's own map-based resolver
 * hashes every tracked object, and an object's first identity hash is a call into the JVM; for a
 * message that is a map holding a list, that lookup was half of the encoding's time. Here the first
 * {@value #LINEAR} objects of a message are searched linearly (a few compares, no hashing); a larger
 * graph moves to an identity hash map, so big graphs stay linear in their size.
 *
 * <p>On decode, reference IDs come from the wire, so each one is checked against the objects read
 * so far (a forged ID fails the decode instead of returning a wrong object).
 *
 * <p>Immutable values are not tracked: Strings, boxes, enums, BigInteger, BigDecimal and UUID are
 * written again rather than looked up. The decision depends only on the class, so encoder and
 * decoder agree; subclasses of enums (constant bodies) are classified like their enum because Kryo
 * reads them as the enum class.
 */
final class ReferenceTable implements ReferenceResolver {
    /** Objects of one message searched linearly before an identity map takes over. */
    static final int LINEAR = 32;
    /** A read table or written map that grew beyond this for one large message shrinks afterwards. */
    private static final int MAX_RETAINED = 4096;

    private final Object[] recent = new Object[LINEAR];
    private int written;
    /** The written objects once a message has more than LINEAR of them; made once, kept across messages. */
    private IdentityObjectIntMap<Object> writtenMap;
    private Object[] read = new Object[16];
    private int readCount;

    @Override
    public void setKryo(Kryo kryo) {
        // nothing to keep
    }

    @Override
    public int getWrittenId(Object object) {
        if (written > LINEAR) return writtenMap.get(object, -1);
        Object[] r = recent;
        for (int i = 0, n = written; i < n; i++) {
            if (r[i] == object) return i;
        }
        return -1;
    }

    @Override
    public int addWrittenObject(Object object) {
        int id = written++;
        if (id < LINEAR) {
            recent[id] = object;
            return id;
        }
        IdentityObjectIntMap<Object> m = writtenMap;
        if (id == LINEAR) {
            if (m == null) writtenMap = m = new IdentityObjectIntMap<>(4 * LINEAR);
            for (int i = 0; i < LINEAR; i++) m.put(recent[i], i);
        }
        m.put(object, id);
        return id;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public int nextReadId(Class type) {
        int id = readCount;
        if (id == read.length) read = Arrays.copyOf(read, id * 2);
        read[id] = null;
        readCount = id + 1;
        return id;
    }

    @Override
    public void setReadObject(int id, Object object) {
        if (id < 0 || id >= readCount) throw badReference(id);
        read[id] = object;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Object getReadObject(Class type, int id) {
        if (id < 0 || id >= readCount) throw badReference(id);
        return read[id];
    }

    private KryoException badReference(int id) {
        return new KryoException("reference " + id + " names none of the " + readCount + " objects read so far");
    }

    @Override
    public void reset() {
        int n = Math.min(written, LINEAR);
        if (n > 0) Arrays.fill(recent, 0, n, null);
        if (written > LINEAR) writtenMap.clear(MAX_RETAINED);   // only graphs of more than LINEAR objects filled it
        written = 0;
        if (readCount > 0) {
            if (read.length > MAX_RETAINED) read = new Object[16];
            else Arrays.fill(read, 0, readCount, null);
            readCount = 0;
        }
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean useReferences(Class type) {
        return !(type == String.class || type == Integer.class || type == Long.class || type == Double.class
                || type == Boolean.class || type == Float.class || type == Short.class || type == Byte.class
                || type == Character.class || Enum.class.isAssignableFrom(type) || type == BigInteger.class
                || type == BigDecimal.class || type == UUID.class);
    }
}
