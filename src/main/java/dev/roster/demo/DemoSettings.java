package dev.roster.demo;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The demo upstream: {@code roster.demo.*}, i.e. {@code ROSTER_DEMO_*}.
 *
 * @param openDirectory also sign in addresses the directory does not know (subject = email, no roles): benchmarks
 * @param directoryApiKey the key the directory API takes in {@code X-API-Key}; unset: a random one per start-up
 *     ({@link DemoDirectoryAccess#apiKey()})
 * @param directoryLatency how long the directory API waits before each answer, from start-up (a knob at run time)
 * @param directoryOutage whether the directory API starts out answering 503 (a knob at run time)
 * @param directoryWriteBack whether admins' membership changes are written back to the simulator through the outbox
 *     (off: no target hears of them unless a change-feed subscription does; the outbox benchmark's baseline)
 */
@ConfigurationProperties("roster.demo")
record DemoSettings(
        @DefaultValue("false") boolean openDirectory,
        @Nullable String directoryApiKey,
        @DefaultValue("0ms") Duration directoryLatency,
        @DefaultValue("false") boolean directoryOutage,
        @DefaultValue("true") boolean directoryWriteBack) {}
