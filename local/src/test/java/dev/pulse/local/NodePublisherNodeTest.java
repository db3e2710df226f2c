package dev.pulse.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Builds the Node publisher ({@code clients/node}: TypeScript compiled by its pinned {@code tsc}) and runs its tests
 * ({@code clients/node/test/*.test.js}, Node's built-in runner) against this JVM's real local system: the stock AWS SDK
 * puts events on the local bus, real WebSocket clients receive them; its pack test installs both packed tarballs in a
 * scratch project. The modules come from {@code npm ci --prefix clients/node}, which {@code ./pulse test} runs first;
 * without them this fails with that command rather than pass on nothing.
 */
@ExtendWith(SharedLocalSystem.class)
class NodePublisherNodeTest {

    @Test
    void nodePublisherTestsPassAgainstTheLocalStack() throws Exception {
        Path node = NodeTestRun.repositoryDir("clients/node");
        for (String module : List.of("typescript", "@aws-sdk/client-eventbridge", "ajv")) {
            if (!Files.isDirectory(node.resolve("node_modules").resolve(module))) {
                throw new AssertionError("clients/node/node_modules/" + module + " is missing: run ./pulse test, or "
                        + "npm ci --prefix clients/node");
            }
        }
        LocalSystem system = SharedLocalSystem.get();
        var environment = NodeTestRun.stackEnvironment(system);
        NodeTestRun.run(node, environment, List.of("npm", "run", "build", "--silent"));
        NodeTestRun.nodeTests(node, environment);
    }
}
