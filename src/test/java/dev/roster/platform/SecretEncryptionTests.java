package dev.roster.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The key that encrypts secrets at rest (signing keys, webhook secrets): where it comes from, and the refusals that keep a node from starting wrong. */
class SecretEncryptionTests {

    private static SecretEncryption keyEncryption(java.util.Map<String, String> settings) {
        var binder = new Binder(new MapConfigurationPropertySource(settings));
        return new SecretEncryption(
                binder.bindOrCreate("roster", RosterProperties.class),
                settings.getOrDefault("roster.keys.encryption-key", ""));
    }

    @Test
    void outsideDevModeAMissingKeyRefusesToStartAndNamesTheVariable() {
        var production = java.util.Map.of("roster.db.url", "jdbc:postgresql://db/roster");

        assertThatThrownBy(() -> keyEncryption(production))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ROSTER_KEYS_ENCRYPTION_KEY");
    }

    @Test
    void aKeyOfTheWrongLengthIsRefused() {
        var shortKey = java.util.Map.of(
                "roster.keys.encryption-key", Base64.getEncoder().encodeToString(new byte[16]));

        assertThatThrownBy(() -> keyEncryption(shortKey)).hasMessageContaining("32 bytes");
    }

    @Test
    void whatOneKeyEncryptsAnotherCannotDecrypt() throws Exception {
        Path home = Files.createTempDirectory("roster-keys");
        var devA =
                keyEncryption(java.util.Map.of("roster.home", home.resolve("a").toString()));
        var devB =
                keyEncryption(java.util.Map.of("roster.home", home.resolve("b").toString()));

        byte[] sealed = devA.encrypt("secret".getBytes(), "kid-1");

        assertThat(new String(devA.decrypt(sealed, "kid-1"))).isEqualTo("secret");
        assertThatThrownBy(() -> devB.decrypt(sealed, "kid-1")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> devA.decrypt(sealed, "kid-2")).isInstanceOf(IllegalStateException.class);
    }
}
