package dev.cohort.codec;

import dev.cohort.CohortException;
import dev.cohort.ErrorClass;
import dev.cohort.codec.testmodel.Color;
import dev.cohort.codec.testmodel.Drawing;
import dev.cohort.codec.testmodel.Holder;
import dev.cohort.codec.testmodel.JavaSerialized;
import dev.cohort.codec.testmodel.Point;
import dev.cohort.codec.untrusted.FinalGadget;
import dev.cohort.codec.untrusted.Gadget;
import dev.cohort.codec.untrusted.GadgetRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The class policy: what is refused, where, with which message, and before any of the class's code runs. */
class KryoCodecPolicyTest {
    private static final String MODEL = "dev.cohort.codec.testmodel";
    private static final String UNTRUSTED = "dev.cohort.codec.untrusted";

    private final KryoCodec sender = new KryoCodec(CodecPolicy.builder().allowAll().build(), null);
    private final KryoCodec receiver = new KryoCodec(CodecPolicy.builder().allowPackage(MODEL).build(), null);

    @BeforeEach
    void resetCounters() {
        Gadget.CONSTRUCTED.set(0);
        Gadget.READ_OBJECT.set(0);
        Gadget.READ_RESOLVE.set(0);
        FinalGadget.CONSTRUCTED.set(0);
        GadgetRecord.CONSTRUCTED.set(0);
    }

    private static Object decode(KryoCodec codec, byte[] bytes) {
        return codec.decode(bytes, 0, bytes.length);
    }

    private static void assertRefusedWithAdvice(Throwable t, String className) {
        assertThat(t).isInstanceOf(CohortException.class);
        CohortException e = (CohortException) t;
        assertThat(e.errorClass()).isEqualTo(ErrorClass.CODEC);
        assertThat(e.getMessage())
                .contains(className)
                .contains("register(")
                .contains("allowPackage(\"" + UNTRUSTED + "\")")
                .contains("-Dcohort.codec.allow=" + UNTRUSTED);
    }

    @Test
    void refusedClassFailsToDecodeBeforeAnyOfItsCodeRuns() {
        byte[] bytes = sender.encode(new Gadget());
        resetCounters();

        assertThatThrownBy(() -> decode(receiver, bytes))
                .satisfies(t -> assertRefusedWithAdvice(t, Gadget.class.getName()))
                .hasMessageContaining("refused to decode");
        assertThat(Gadget.calls()).isZero();
    }

    @Test
    void refusedClassNestedAnywhereIsRefused() {
        Map<String, Object> map = new HashMap<>();
        map.put("ok", new Point(1, 2));
        map.put("bad", new Gadget());
        Drawing drawing = new Drawing("d", List.of(), Color.RED, Map.of("attribute", new Gadget()));
        List<byte[]> messages = List.of(sender.encode(map), sender.encode(drawing), sender.encode(List.of(1, new Gadget())),
                sender.encode(new Object[] {new Gadget()}), sender.encode(new Gadget[] {new Gadget()}),
                sender.encode(Map.of("k", List.of(new Gadget()))));
        resetCounters();

        for (byte[] bytes : messages) {
            assertThatThrownBy(() -> decode(receiver, bytes))
                    .satisfies(t -> assertRefusedWithAdvice(t, Gadget.class.getName()));
        }
        assertThat(Gadget.calls()).isZero();
    }

    @Test
    void refusedClassInAFieldDeclaredWithItsFinalTypeIsRefused() {
        // no class name travels for such a field: the check on first use of the class catches it
        Holder holder = new Holder();
        holder.gadget = new FinalGadget();
        byte[] bytes = sender.encode(holder);
        FinalGadget.CONSTRUCTED.set(0);

        assertThatThrownBy(() -> decode(receiver, bytes))
                .satisfies(t -> assertRefusedWithAdvice(t, FinalGadget.class.getName()))
                .hasMessageContaining("gadget (" + Holder.class.getName() + ")"); // Kryo's trace names the field
        assertThat(FinalGadget.CONSTRUCTED).hasValue(0);
        // such a class is refused even when the field is null: its serializer is looked up for the field
        assertThatThrownBy(() -> receiver.encode(new Holder()))
                .satisfies(t -> assertRefusedWithAdvice(t, FinalGadget.class.getName()));
    }

    @Test
    void refusedRecordIsNotConstructed() {
        byte[] bytes = sender.encode(new GadgetRecord("run"));
        GadgetRecord.CONSTRUCTED.set(0);

        assertThatThrownBy(() -> decode(receiver, bytes))
                .satisfies(t -> assertRefusedWithAdvice(t, GadgetRecord.class.getName()));
        assertThat(GadgetRecord.CONSTRUCTED).hasValue(0);
    }

    @Test
    void sameBytesDecodeWhenThePackageIsAllowed() {
        Gadget g = new Gadget();
        g.setValue(42);
        byte[] bytes = sender.encode(g);
        byte[] record = sender.encode(new GadgetRecord("run"));
        resetCounters();

        KryoCodec allowing = new KryoCodec(CodecPolicy.builder().allowPackage(MODEL).allowPackage(UNTRUSTED).build(), null);
        Gadget back = (Gadget) decode(allowing, bytes);
        assertThat(back.getValue()).isEqualTo(42);
        assertThat(back.command).isEqualTo(g.command);
        // the probe works: decoding an accepted Gadget does run its constructor (Kryo's instantiation)
        assertThat(Gadget.CONSTRUCTED).hasValue(1);
        Object recordBack = decode(allowing, record);
        assertThat(GadgetRecord.CONSTRUCTED).hasValue(1); // records are made with their canonical constructor
        assertThat(recordBack).isEqualTo(new GadgetRecord("run"));
    }

    @Test
    void aParentPackageAllowsSubPackagesButAPrefixOfANameDoesNot() {
        byte[] bytes = sender.encode(new Gadget());

        KryoCodec parent = new KryoCodec(CodecPolicy.builder().allowPackage("dev.cohort").build(), null);
        assertThat(decode(parent, bytes)).isInstanceOf(Gadget.class);

        KryoCodec wildcard = new KryoCodec(CodecPolicy.builder().allowPackage(UNTRUSTED + ".*").build(), null);
        assertThat(decode(wildcard, bytes)).isInstanceOf(Gadget.class);

        KryoCodec prefix = new KryoCodec(CodecPolicy.builder().allowPackage("dev.cohort.codec.untr").build(), null);
        assertThatThrownBy(() -> decode(prefix, bytes)).isInstanceOf(CohortException.class)
                .hasMessageContaining(Gadget.class.getName());
    }

    @Test
    void registeredClassDecodes() {
        CodecPolicy registering = CodecPolicy.builder().register(Point.class, Gadget.class).build();
        KryoCodec a = new KryoCodec(registering, null);
        KryoCodec b = new KryoCodec(registering, null);
        Gadget g = new Gadget();
        g.setValue(7);

        byte[] byId = a.encode(g);
        assertThat(((Gadget) decode(b, byId)).getValue()).isEqualTo(7);
        // registered classes travel as IDs, not names
        assertThat(new String(byId, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("Gadget");
        // and a registered class is also accepted when a sender names it
        assertThat(((Gadget) decode(b, sender.encode(g))).getValue()).isEqualTo(7);
        // registration order defines the IDs: a receiver with another order reads another class
        KryoCodec swapped = new KryoCodec(CodecPolicy.builder().register(Gadget.class, Point.class).build(), null);
        byte[] fromA = a.encode(new Gadget());
        Object misread;
        try {
            misread = decode(swapped, fromA);
        } catch (CohortException e) {
            misread = e;
        }
        assertThat(misread).isNotInstanceOf(Gadget.class);
    }

    @Test
    void allowAllDecodesEverything() {
        Holder holder = new Holder();
        holder.payload = new Gadget();
        holder.gadget = new FinalGadget();
        Holder back = (Holder) decode(sender, sender.encode(holder));
        assertThat(back.payload).isInstanceOf(Gadget.class);
        assertThat(back.gadget.command).isEqualTo("shutdown");
    }

    @Test
    void systemPropertyAllowsAPackage() {
        byte[] bytes = sender.encode(new Gadget());
        String old = System.getProperty("cohort.codec.allow");
        System.setProperty("cohort.codec.allow", MODEL + ", " + UNTRUSTED);
        try {
            KryoCodec fromProperties = new KryoCodec(CodecPolicy.fromSystemProperties(), null);
            assertThat(decode(fromProperties, bytes)).isInstanceOf(Gadget.class);
        } finally {
            if (old == null) System.clearProperty("cohort.codec.allow");
            else System.setProperty("cohort.codec.allow", old);
        }
    }

    @Test
    void encodingARefusedClassFailsOnTheSenderWithTheSameAdvice() {
        assertThatThrownBy(() -> receiver.encode(new Gadget()))
                .satisfies(t -> assertRefusedWithAdvice(t, Gadget.class.getName()))
                .hasMessageContaining("refused to encode");
        Map<String, Object> nested = new HashMap<>();
        nested.put("list", new ArrayList<>(List.of(new Point(1, 1), new GadgetRecord("x"))));
        assertThatThrownBy(() -> receiver.encode(nested))
                .satisfies(t -> assertRefusedWithAdvice(t, GadgetRecord.class.getName()));
        assertThatThrownBy(() -> receiver.encode(new Gadget[0]))
                .satisfies(t -> assertRefusedWithAdvice(t, Gadget.class.getName() + "[]"));
        // the codec is still usable afterwards
        assertThat(decode(receiver, receiver.encode(new Point(5, 6)))).isEqualTo(new Point(5, 6));
    }

    @Test
    void jdkClassesOutsideTheSafeSetAreRefused() {
        Thread thread = new Thread(() -> { });
        assertThatThrownBy(() -> receiver.encode(thread)).isInstanceOf(CohortException.class)
                .hasMessageContaining("java.lang.Thread");
        byte[] bytes = sender.encode(new java.util.Vector<>(List.of(1)));
        assertThatThrownBy(() -> decode(receiver, bytes)).isInstanceOf(CohortException.class)
                .hasMessageContaining("java.util.Vector")
                .satisfies(t -> assertThat(((CohortException) t).errorClass()).isEqualTo(ErrorClass.CODEC));
    }

    @Test
    void classesSerializedWithJavaSerializationAreRefusedUnlessAllowAll() {
        JavaSerialized value = new JavaSerialized();
        value.payload = "data";
        assertThatThrownBy(() -> receiver.encode(value)).isInstanceOf(CohortException.class)
                .hasMessageContaining(JavaSerialized.class.getName()).hasMessageContaining("JavaSerializer");
        byte[] bytes = sender.encode(value);
        assertThatThrownBy(() -> decode(receiver, bytes)).isInstanceOf(CohortException.class)
                .hasMessageContaining("JavaSerializer");
        assertThat(((JavaSerialized) decode(sender, bytes)).payload).isEqualTo("data");
        assertThatThrownBy(() -> new KryoCodec(CodecPolicy.builder().register(JavaSerialized.class).build(), null))
                .isInstanceOf(CohortException.class).hasMessageContaining("JavaSerializer");
    }

    @Test
    void lambdasAreRefusedEvenWithAllowAll() {
        Runnable r = (Runnable & java.io.Serializable) () -> { };
        assertThatThrownBy(() -> sender.encode(r)).isInstanceOf(CohortException.class)
                .hasMessageContaining("lambdas");
    }
}
