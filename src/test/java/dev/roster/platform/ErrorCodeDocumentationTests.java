package dev.roster.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Clients rely on docs/api.md for the problem codes: every code the server can answer is listed there. */
class ErrorCodeDocumentationTests {

    @Test
    void docsApiListsEveryErrorCode() throws IOException {
        String api = Files.readString(Path.of("docs/api.md"));

        assertThat(Arrays.stream(ErrorCode.values()).map(code -> "`" + code.code() + "`"))
                .allSatisfy(code -> assertThat(api).contains(code));
    }
}
