package dev.cohort.transport.mpj;

import dev.cohort.CohortException;
import dev.cohort.ElementType;
import dev.cohort.ErrorClass;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Large messages between ranks of MPJ's multicore device with one copy instead of MPJ's three.
 *
 * <p>MPJ Express moves a buffer through three copies: the sender packs the array into a direct buffer
 * of its own, the multicore device copies that into the receiver's direct buffer, and the receiver
 * unpacks it into the array (the device's copy runs under a monitor every rank of the JVM shares).
 * On this device every rank is a thread of one JVM, so the receiver can copy straight from the
 * sender's array. A send of at least {@code cohort.mpj.handoffBytes} bytes (default
 * {@value #DEFAULT_MIN_BYTES}; 0 turns this off) therefore offers its buffer here under a key and
 * sends only a control message with the key, the element type and the count, through the receiver's
 * {@link Inbox} (or MPJ, when the inboxes are off). That message is ordered with the rank's others,
 * so Cohort's matching and its non-overtaking order are unchanged.
 * The receive that matches it takes the buffer, copies it, and marks the offer done; the send
 * completes when it sees that, which also makes every handed-off send synchronous.
 *
 * <p>The ranks' classes come from class loaders of their own, so what they share must be the JDK's:
 * the offers live in one {@link ConcurrentMap}, and an offer is an {@code Object[]} of the buffer, its
 * offset, its count and an {@link AtomicBoolean}. The first rank to want the map registers it in the
 * JVM's platform MBean server as {@value #REGISTRY_NAME}, and the others read it from there (the
 * MBean's {@code Offers} attribute; its {@code Pending} attribute counts the offers, for JConsole).
 * The server is the JVM's own registry of shared objects: unlike the system properties, which must
 * hold only strings for {@code Properties.store} and {@code list} to work, it can hold a map. The
 * map's put and remove order the sender's writes to its buffer before the receiver's copy; the flag
 * orders the copy before the sender reuses its buffer.
 *
 * <p>The registry also holds the ranks' {@link Inbox} queues (its {@code Inboxes} attribute: the
 * queues of a job, by its size).
 */
final class Handoff {
    /** The name of the JVM's registry of offers in the platform MBean server. */
    static final String REGISTRY_NAME = "dev.cohort:type=MpjHandoff";
    static final int DEFAULT_MIN_BYTES = 8192;
    /** Positions in an offer. */
    private static final int BUF = 0, OFFSET = 1, COUNT = 2, DONE = 3;

    private final ConcurrentMap<Long, Object[]> offers;
    private final long keyBase;
    private final int minBytes;
    /** The next key's sequence number; the transport's lock guards it. */
    private long next;

    private Handoff(ConcurrentMap<Long, Object[]> offers, int rank, int minBytes) {
        this.offers = offers;
        this.keyBase = (long) rank << 40;
        this.minBytes = minBytes;
    }

    /**
     * The handoff of a rank of the multicore device, or null when {@code cohort.mpj.handoffBytes} is 0
     * or something else is registered as {@link #REGISTRY_NAME}.
     */
    static Handoff open(int rank) {
        int min = minBytes();
        if (min <= 0) return null;
        ConcurrentMap<Long, Object[]> offers = registry();
        return offers == null ? null : new Handoff(offers, rank, min);
    }

    /** This rank's reference to the JVM's offers (each rank's class loader has its own copy of this field). */
    private static volatile ConcurrentMap<Long, Object[]> registry;

    /** The JVM's offers, registered by whichever rank asks first; null when something else has the name. */
    static ConcurrentMap<Long, Object[]> registry() {
        ConcurrentMap<Long, Object[]> r = registry;
        if (r != null) return r;
        synchronized (Handoff.class) {
            if (registry == null) registry = registry(ManagementFactory.getPlatformMBeanServer());
            return registry;
        }
    }

    /** This rank's reference to the JVM's inboxes, by job size. */
    private static volatile ConcurrentMap<Integer, Object[]> inboxes;

    /**
     * The JVM's inbox queues for a job of {@code size} ranks ({@link Inbox}), made by whichever rank
     * asks first; null when something else has the registry's name.
     */
    static Object[] inboxes(int size) {
        ConcurrentMap<Integer, Object[]> b = inboxes;
        if (b == null) {
            synchronized (Handoff.class) {
                if (inboxes == null && registry() != null) inboxes = inboxes(ManagementFactory.getPlatformMBeanServer());
                b = inboxes;
            }
            if (b == null) return null;
        }
        return b.computeIfAbsent(size, Inbox::newQueues);
    }

    /** The inboxes of the registry in {@code server} (registered by {@link #registry(MBeanServer)}); null when absent. */
    static ConcurrentMap<Integer, Object[]> inboxes(MBeanServer server) {
        return sharedMap(server, Registry.INBOXES);
    }

    /** Registers a new map in {@code server}, or finds the one there; null when the name holds something else. */
    static ConcurrentMap<Long, Object[]> registry(MBeanServer server) {
        ObjectName name = registryName();
        try {
            Registry mine = new Registry();
            server.registerMBean(mine, name);
            return mine.offers;
        } catch (InstanceAlreadyExistsException e) {
            // another rank's, found below
        } catch (JMException e) {
            throw new IllegalStateException("cannot register " + REGISTRY_NAME + ": " + e, e);
        }
        return sharedMap(server, Registry.OFFERS);
    }

    /** A map attribute of the registry in {@code server}, as another class loader's rank reads it; null when absent. */
    private static <K, V> ConcurrentMap<K, V> sharedMap(MBeanServer server, String attribute) {
        try {
            Object v = server.getAttribute(registryName(), attribute);
            return v instanceof ConcurrentMap ? cast(v) : null;
        } catch (JMException | RuntimeException e) {
            return null;
        }
    }

    private static ObjectName registryName() {
        try {
            return new ObjectName(REGISTRY_NAME);
        } catch (JMException e) {
            throw new IllegalStateException(e);   // a constant, well formed
        }
    }

    @SuppressWarnings("unchecked")
    private static <K, V> ConcurrentMap<K, V> cast(Object map) {
        return (ConcurrentMap<K, V>) map;
    }

    /** {@code cohort.mpj.handoffBytes}: the smallest message handed off, in bytes (0: none). */
    static int minBytes() {
        String s = System.getProperty("cohort.mpj.handoffBytes");
        if (s == null || s.isBlank()) return DEFAULT_MIN_BYTES;
        try {
            return Math.max(0, Integer.parseInt(s.trim()));
        } catch (NumberFormatException e) {
            throw new CohortException(ErrorClass.ARG, -1, "-Dcohort.mpj.handoffBytes=" + s
                    + ": expected a number of bytes (0 turns the handoff off)");
        }
    }

    /** Whether a send of {@code count} elements of {@code type} goes through the handoff. */
    boolean wants(ElementType type, int count) {
        return (long) count * type.size() >= minBytes;
    }

    /** Offers a send's buffer until a receive takes it; returns the key the control message carries. */
    long offer(Object buf, int offset, int count, AtomicBoolean done) {
        long key = keyBase | next++;
        offers.put(key, new Object[]{buf, offset, count, done});
        return key;
    }

    /** Takes back an offer whose control message never left. */
    void withdraw(long key) {
        offers.remove(key);
    }

    /**
     * Copies the offer under {@code key} into {@code dst} at {@code dstOffset} (a new byte[] when
     * {@code dst} is null: an object receive gets the encoding) and marks it done. Returns the byte[]
     * it made, or null. Static: a rank takes what another offered even if its own handoff is off.
     */
    static byte[] take(long key, Object dst, int dstOffset) {
        ConcurrentMap<Long, Object[]> offers = registry();
        Object[] offer = offers == null ? null : offers.remove(key);
        if (offer == null) throw new IllegalStateException("handoff " + Long.toHexString(key) + " is not on offer");
        Object src = offer[BUF];
        int srcOffset = (Integer) offer[OFFSET];
        int count = (Integer) offer[COUNT];
        byte[] made = null;
        if (dst == null) dst = made = new byte[count];
        if (src instanceof ByteBuffer || dst instanceof ByteBuffer) {
            ByteBuffer from = src instanceof ByteBuffer ? window((ByteBuffer) src, srcOffset, count)
                    : ByteBuffer.wrap((byte[]) src, srcOffset, count);
            if (dst instanceof ByteBuffer) window((ByteBuffer) dst, dstOffset, count).put(from);
            else from.get((byte[]) dst, dstOffset, count);
        } else {
            System.arraycopy(src, srcOffset, dst, dstOffset, count);
        }
        ((AtomicBoolean) offer[DONE]).set(true);
        return made;
    }

    /** Bytes {@code offset} to {@code offset + count} of a buffer's whole capacity, whatever its position and limit. */
    private static ByteBuffer window(ByteBuffer bb, int offset, int count) {
        return MpjTransport.window(bb, offset).limit(offset + count);
    }

    /**
     * The registry as an MBean: {@code Offers} is the map itself (what the other ranks read),
     * {@code Pending} the number of offers no receive has taken yet.
     */
    static final class Registry implements DynamicMBean {
        static final String OFFERS = "Offers", PENDING = "Pending", INBOXES = "Inboxes";
        final ConcurrentMap<Long, Object[]> offers = new ConcurrentHashMap<>();
        final ConcurrentMap<Integer, Object[]> inboxes = new ConcurrentHashMap<>();

        @Override
        public Object getAttribute(String attribute) throws AttributeNotFoundException {
            if (OFFERS.equals(attribute)) return offers;
            if (PENDING.equals(attribute)) return offers.size();
            if (INBOXES.equals(attribute)) return inboxes;
            throw new AttributeNotFoundException(attribute);
        }

        @Override
        public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
            throw new AttributeNotFoundException(attribute.getName() + " is read-only");
        }

        @Override
        public AttributeList getAttributes(String[] attributes) {
            AttributeList list = new AttributeList();
            for (String a : attributes) {
                try {
                    list.add(new Attribute(a, getAttribute(a)));
                } catch (AttributeNotFoundException e) {
                    // left out, as the interface asks
                }
            }
            return list;
        }

        @Override
        public AttributeList setAttributes(AttributeList attributes) {
            return new AttributeList();
        }

        @Override
        public Object invoke(String action, Object[] params, String[] signature) throws javax.management.ReflectionException {
            throw new javax.management.ReflectionException(new NoSuchMethodException(action));
        }

        @Override
        public MBeanInfo getMBeanInfo() {
            return new MBeanInfo(Registry.class.getName(), "Cohort's MPJ multicore handoff: buffers on offer to their receivers",
                    new MBeanAttributeInfo[]{
                            new MBeanAttributeInfo(PENDING, "java.lang.Integer", "offers no receive has taken yet", true, false, false),
                            new MBeanAttributeInfo(OFFERS, ConcurrentMap.class.getName(),
                                    "the offers themselves, shared by the ranks of the JVM", true, false, false),
                            new MBeanAttributeInfo(INBOXES, ConcurrentMap.class.getName(),
                                    "the ranks' message queues on the multicore device, by job size", true, false, false)},
                    null, null, null);
        }
    }
}
