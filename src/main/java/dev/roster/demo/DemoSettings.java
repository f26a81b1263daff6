package dev.roster.demo;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The demo identity provider: {@code roster.demo.*}, i.e. {@code ROSTER_DEMO_*}. */
@ConfigurationProperties("roster.demo")
record DemoSettings(@DefaultValue("false") boolean openDirectory) {}
