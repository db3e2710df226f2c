package dev.pulse.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "JDK 21 or newer" is true for every way in: plain {@code mvn} (and so {@code cdk synth}, which runs mvn
 * through cdk.json) reads {@code .mvn/jvm.config} on whatever JDK it finds, so nothing there may need a newer JVM; and
 * {@code ./pulse} never runs Maven on a JDK older than 21, saying why when that is all there is.
 */
class JdkRequirementTest {
    static final int MINIMUM = 21;
    private static final Path ROOT = repositoryRoot();

    @TempDir
    Path dir;

    /**
     * Maven started the way cdk.json starts it, from the repository root, on the documented minimum JDK when the
     * machine has one, else on the newest older one (a JVM older than 21 that starts with the project's JVM options
     * proves 21 does too; this machine has 17 and 25). Only validate: compiling needs release 21.
     */
    @Test
    void plainMavenStartsOnTheOldestJdkTheReadmeAllows() throws Exception {
        Optional<Jdk> jdk = installedJdks().stream()
                .filter(j -> j.major() <= MINIMUM)
                .max(Comparator.comparingInt(Jdk::major));
        Assumptions.assumeTrue(jdk.isPresent(), "no JDK " + MINIMUM + " or older installed to start Maven with");
        var result = run(List.of("mvn", "-B", "-q", "-N", "validate"), Map.of("JAVA_HOME", jdk.get().home().toString()));
        assertFalse(result.output().contains("Unrecognized option"), result.output());
        assertEquals(0, result.exit(), "mvn validate on JDK " + jdk.get().major() + " (" + jdk.get().home() + "):\n"
                + result.output());
    }

    @Test
    void pulseRefusesAJdkOlderThan21AndSaysWhichItFound() throws Exception {
        Path old = fakeJdk("old-jdk", 17);
        var result = pulseJdk(old, dir.resolve("no-jdks-here"));
        assertEquals(1, result.exit(), result.output());
        assertTrue(result.output().contains("needs a JDK >= 21"), result.output());
        assertTrue(result.output().contains(old + " (JDK 17)"), result.output());
    }

    @Test
    void pulsePassesOverAnOldJavaHomeForAJdk21AndKeepsMavenOptionsItCannotRead() throws Exception {
        Path jvms = Files.createDirectories(dir.resolve("jvm"));
        Path jdk21 = fakeJdk("jvm/jdk-21", 21);
        var result = pulseJdk(fakeJdk("old-jdk", 17), jvms);
        assertEquals(0, result.exit(), result.output());
        assertTrue(result.output().contains("JAVA_HOME=" + jdk21 + "\n"), result.output());
        assertTrue(result.output().contains("is not a JDK >= 21; using " + jdk21), result.output());
        // JDK 21 does not know the option that silences JDK 24+'s sun.misc.Unsafe warning: it would refuse to start.
        assertTrue(result.output().contains("MAVEN_OPTS=\n"), result.output());
    }

    @Test
    void onJdk23AndNewerPulseSilencesMavensUnsafeWarning() throws Exception {
        Path jdk25 = fakeJdk("jdk-25", 25);
        var result = pulseJdk(jdk25, dir.resolve("no-jdks-here"));
        assertEquals(0, result.exit(), result.output());
        assertTrue(result.output().contains("JAVA_HOME=" + jdk25 + "\n"), result.output());
        assertTrue(result.output().contains("MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow\n"), result.output());
    }

    private Result pulseJdk(Path javaHome, Path jvmDirs) throws Exception {
        return run(List.of("bash", ROOT.resolve("pulse").toString(), "jdk"),
                Map.of("JAVA_HOME", javaHome.toString(), "PULSE_JVM_DIRS", jvmDirs.toString()));
    }

    /** A JDK as far as ./pulse can tell: bin/javac, and a bin/java that reports the given specification version. */
    private Path fakeJdk(String name, int major) throws IOException {
        Path bin = Files.createDirectories(dir.resolve(name).resolve("bin"));
        script(bin.resolve("java"), "echo '    java.specification.version = " + major + "' >&2");
        script(bin.resolve("javac"), "exit 0");
        return bin.getParent();
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Jdk(Path home, int major) {
    }

    /** The JDKs under /usr/lib/jvm, by the JAVA_VERSION of their release file (symlinked aliases counted once). */
    private static List<Jdk> installedJdks() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return List.of();
        }
        var version = Pattern.compile("(?m)^JAVA_VERSION=\"(?:1\\.)?(\\d+)");
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")) && Files.isRegularFile(home.resolve("release")))
                    .map(home -> {
                        try {
                            var m = version.matcher(Files.readString(home.resolve("release")));
                            return m.find() ? new Jdk(home.toRealPath(), Integer.parseInt(m.group(1))) : null;
                        } catch (IOException e) {
                            return null;
                        }
                    })
                    .filter(java.util.Objects::nonNull)
                    .distinct()
                    .toList();
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Map<String, String> env) throws Exception {
        var builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        // The test's own Maven settings must not leak in: the child sees only what the case sets.
        builder.environment().remove("MAVEN_OPTS");
        builder.environment().remove("JAVA_HOME");
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "did not finish: " + command);
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static Path repositoryRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("pulse")) && Files.isDirectory(d.resolve("infra-cdk"))) {
                return d;
            }
        }
        throw new IllegalStateException("no repository root (with ./pulse) above " + Path.of("").toAbsolutePath());
    }
}
