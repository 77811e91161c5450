package dev.cohort.codec.untrusted;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/** Stands for a deserialization gadget: counts every way its code could run when an instance is made. */
public class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final AtomicInteger CONSTRUCTED = new AtomicInteger();
    public static final AtomicInteger READ_OBJECT = new AtomicInteger();
    public static final AtomicInteger READ_RESOLVE = new AtomicInteger();

    public String command = "rm -rf /";
    private int value;

    public Gadget() {
        CONSTRUCTED.incrementAndGet();
    }

    public int getValue() {
        return value;
    }

    public void setValue(int value) {
        this.value = value;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        READ_OBJECT.incrementAndGet();
        in.defaultReadObject();
    }

    private Object readResolve() {
        READ_RESOLVE.incrementAndGet();
        return this;
    }

    public static int calls() {
        return CONSTRUCTED.get() + READ_OBJECT.get() + READ_RESOLVE.get();
    }
}
