package dev.cohort.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ShellQuoteTest {
    /** Arguments that break naive quoting: spaces, quotes, expansions, globs, control characters, option look-alikes. */
    static final List<String> NASTY = List.of(
            "two words", "it's", "\"double\"", "$HOME", "${PATH}", "`id`", "$(touch pwned)", "back\\slash", "*", "?",
            "", " ", "new\nline", "semi;colon && echo hacked", "|", ">out", "<in", "-np", "--help", "tab\there", "~",
            "~root", "'", "''", "'\\''", "!!", "#not a comment", "a=b", "=x", "{a,b}", "[abc]", "%1", "\u00e9t\u00e9 \u2603");

    @Test
    void safeWordsStayBare() {
        assertThat(ShellQuote.quote("dev.cohort.samples.Hello")).isEqualTo("dev.cohort.samples.Hello");
        assertThat(ShellQuote.quote("-Xmx4g")).isEqualTo("-Xmx4g");
        assertThat(ShellQuote.quote("-Dcohort.transport=openmpi")).isEqualTo("-Dcohort.transport=openmpi");
        assertThat(ShellQuote.quote("/opt/app/lib/a.jar:b.jar")).isEqualTo("/opt/app/lib/a.jar:b.jar");
    }

    @Test
    void everythingElseIsSingleQuoted() {
        assertThat(ShellQuote.quote("")).isEqualTo("''");
        assertThat(ShellQuote.quote("a b")).isEqualTo("'a b'");
        assertThat(ShellQuote.quote("$HOME")).isEqualTo("'$HOME'");
        assertThat(ShellQuote.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(ShellQuote.quote("=x")).isEqualTo("'=x'");
        assertThat(ShellQuote.quote("~")).isEqualTo("'~'");
    }

    @Test
    void bashGivesBackExactlyTheQuotedWords(@TempDir Path dir) throws IOException, InterruptedException {
        Path script = dir.resolve("words.sh");
        Files.writeString(script, "cd " + ShellQuote.quote(dir.toString()) + "\nprintf '%s\\0' " + ShellQuote.join(NASTY) + "\n");
        Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        List<String> words = new ArrayList<>(Arrays.asList(new String(out, StandardCharsets.UTF_8).split("\0", -1)));
        assertThat(words.remove(words.size() - 1)).isEmpty();
        assertThat(words).containsExactlyElementsOf(NASTY);
        assertThat(dir.resolve("pwned")).doesNotExist();
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
