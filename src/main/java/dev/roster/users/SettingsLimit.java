package dev.roster.users;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The largest settings object a user may keep: {@code roster.settings-max-bytes}, i.e.
 * {@code ROSTER_SETTINGS_MAX_BYTES} (bound at {@code roster} itself to keep that documented name).
 */
@ConfigurationProperties("roster")
public record SettingsLimit(@DefaultValue("16384") int settingsMaxBytes) {}
