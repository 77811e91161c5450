package dev.cohort.transport.mpj;

import dev.cohort.ElementType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WireTagTest {
    @Test
    void everyFieldSurvivesTheRoundTripAndTheTagStaysNonNegative() {
        for (ElementType t : ElementType.values()) {
            for (int ctx : new int[]{0, 1, 2, 3, 1022, 1023, 1024, 5001}) {
                for (int tag : new int[]{0, 1, 32_000, WireTag.TAG_UB}) {
                    for (boolean sync : new boolean[]{false, true}) {
                        int w = WireTag.data(t, ctx, tag, sync);
                        assertThat(w).isNotNegative();
                        assertThat(WireTag.type(w)).isEqualTo(t);
                        assertThat(WireTag.contextSlot(w)).isEqualTo(ctx % WireTag.CONTEXT_SLOTS);
                        assertThat(WireTag.tag(w)).isEqualTo(tag);
                        assertThat(WireTag.sync(w)).isEqualTo(sync);
                        assertThat(WireTag.kind(w)).isNotEqualTo(WireTag.ACK).isNotEqualTo(WireTag.ABORT)
                                .isNotEqualTo(WireTag.HANDOFF);
                    }
                }
            }
        }
    }

    @Test
    void handoffControlMessagesAreTheirOwnKindAndNeverSync() {
        int w = WireTag.handoff(1024 + 17, 4242);
        assertThat(w).isNotNegative();
        assertThat(WireTag.kind(w)).isEqualTo(WireTag.HANDOFF);
        assertThat(WireTag.contextSlot(w)).isEqualTo(17);
        assertThat(WireTag.tag(w)).isEqualTo(4242);
        assertThat(WireTag.sync(w)).isFalse();
    }

    @Test
    void acknowledgementsAreTheirOwnKind() {
        int w = WireTag.ack(17, 4242);
        assertThat(w).isNotNegative();
        assertThat(WireTag.kind(w)).isEqualTo(WireTag.ACK);
        assertThat(WireTag.contextSlot(w)).isEqualTo(17);
        assertThat(WireTag.tag(w)).isEqualTo(4242);
        assertThat(WireTag.sync(w)).isFalse();
    }

    @Test
    void abortNoticesAreTheirOwnKind() {
        int w = WireTag.abortNotice();
        assertThat(w).isNotNegative();
        assertThat(WireTag.kind(w)).isEqualTo(WireTag.ABORT).isNotEqualTo(WireTag.ACK);
        assertThat(WireTag.ABORT).isGreaterThanOrEqualTo(ElementType.values().length);
        assertThat(WireTag.sync(w)).isFalse();
    }

    @Test
    void theTagUpperBoundMeetsMpisMinimum() {
        assertThat(WireTag.TAG_UB).isGreaterThanOrEqualTo(32767);
    }
}
