package io.parley.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationResourcesTest {

    private final ClassLoader classLoader = getClass().getClassLoader();

    @Test
    void ordersByNumericVersionNotByFileNameAndSkipsOtherFiles() {
        List<Migration> migrations = MigrationResources.load(classLoader, "migrations-ok");

        assertThat(migrations).extracting(Migration::version).containsExactly(2, 10);
        assertThat(migrations.get(0).description()).isEqualTo("create a");
        assertThat(migrations.get(0).statements()).containsExactly(
                "CREATE TABLE IF NOT EXISTS a (id int PRIMARY KEY)", "INSERT INTO a (id) VALUES (1)");
        assertThat(migrations.get(1).resourceName()).isEqualTo("V010__add_b.cql");
    }

    @Test
    void rejectsTwoFilesWithTheSameVersion() {
        assertThatThrownBy(() -> MigrationResources.load(classLoader, "migrations-duplicate"))
                .hasMessageContaining("Two migrations have version 1");
    }

    @Test
    void theShippedSchemaParsesIntoOneStatementPerTable() {
        List<Migration> migrations = MigrationResources.load(classLoader, SchemaMigrator.DEFAULT_LOCATION);

        assertThat(migrations).isNotEmpty();
        Migration foundation = migrations.get(0);
        assertThat(foundation.version()).isEqualTo(1);
        assertThat(foundation.statements()).isNotEmpty().allSatisfy(statement -> {
            assertThat(statement).startsWith("CREATE TABLE IF NOT EXISTS");
            assertThat(statement).doesNotContain("--");
        });
        assertThat(foundation.statements()).anySatisfy(s -> assertThat(s).contains("messages ("));
    }

    @Test
    void checksumChangesWithContent() {
        Migration a = Migration.parse("V1__x.cql", "SELECT 1;");
        Migration b = Migration.parse("V1__x.cql", "SELECT 2;");
        assertThat(a.checksum()).hasSize(64).isNotEqualTo(b.checksum());
        assertThat(Migration.parse("V1__x.cql", "SELECT 1;").checksum()).isEqualTo(a.checksum());
    }

    @Test
    void rejectsBadFileNames() {
        assertThatThrownBy(() -> Migration.parse("V1_single_underscore.cql", "")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Migration.isMigrationFileName("V001__foundation.cql")).isTrue();
        assertThat(Migration.isMigrationFileName("foundation.cql")).isFalse();
    }
}
