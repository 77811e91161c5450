package dev.cohort;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StatusTest {
    @Test
    void isComparesEveryField() {
        Status s = new Status(3, 7, 8, ElementType.BYTE, false);
        assertThat(s.is(3, 7, 8, ElementType.BYTE, false)).isTrue();
        assertThat(s.is(2, 7, 8, ElementType.BYTE, false)).as("source").isFalse();
        assertThat(s.is(3, 6, 8, ElementType.BYTE, false)).as("tag").isFalse();
        assertThat(s.is(3, 7, 1, ElementType.BYTE, false)).as("count").isFalse();
        assertThat(s.is(3, 7, 8, ElementType.DOUBLE, false)).as("type").isFalse();
        assertThat(s.is(3, 7, 8, ElementType.BYTE, true)).as("cancelled").isFalse();
        assertThat(Status.EMPTY.is(Comm.PROC_NULL, Comm.ANY_TAG, 0, null, false)).isTrue();
    }
}
