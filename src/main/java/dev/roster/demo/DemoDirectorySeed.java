package dev.roster.demo;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * Writes the demo people ({@link DemoDirectory#PEOPLE}) to the directory table at start-up, before the server
 * listens: each is reset to its seed (roles included), so the quickstart always starts from the same directory.
 * Idempotent; generated users and anyone else in the table are left alone.
 */
@Component
@Conditional(DemoUpstreamCondition.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class DemoDirectorySeed implements SmartInitializingSingleton {

    private final DirectoryUsers users;

    DemoDirectorySeed(DirectoryUsers users) {
        this.users = users;
    }

    @Override
    public void afterSingletonsInstantiated() {
        seed();
    }

    void seed() {
        DemoDirectory.PEOPLE.forEach(users::upsert);
    }
}
