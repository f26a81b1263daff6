package dev.roster.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One pooled {@link DataSource}, in front of either the configured external PostgreSQL or the embedded one.
 *
 * <p>IMPORTANT: zonky's own {@code getPostgresDatabase()} is unpooled (a new backend per query); Roster never uses
 * it and always connects through HikariCP.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    @Bean(destroyMethod = "close")
    @Nullable
    EmbeddedDatabase embeddedDatabase(RosterProperties properties) {
        if (properties.db().isExternal()) {
            return null;
        }
        return EmbeddedDatabase.startOrAttach(properties.home(), properties.db().embeddedPort());
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(RosterProperties properties, ObjectProvider<EmbeddedDatabase> embedded) {
        var config = new HikariConfig();
        var db = properties.db();
        EmbeddedDatabase embeddedDb = embedded.getIfAvailable();
        if (embeddedDb != null) {
            config.setJdbcUrl(embeddedDb.jdbcUrl());
            config.setUsername("postgres");
        } else {
            config.setJdbcUrl(db.url());
            config.setUsername(db.user());
            config.setPassword(db.password());
        }
        config.setPoolName("roster");
        // 2 cores: a handful of busy backends saturate them; more connections only queue inside PostgreSQL.
        config.setMaximumPoolSize(db.poolSize());
        config.setMinimumIdle(Math.min(2, db.poolSize()));
        config.setConnectionTimeout(5_000);
        config.addDataSourceProperty("ApplicationName", "roster");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        return new HikariDataSource(config);
    }
}
