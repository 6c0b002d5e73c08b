package io.parley.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CqlScriptTest {

    @Test
    void splitsOnSemicolonsAndTrimsStatements() {
        assertThat(CqlScript.statements("CREATE TABLE a (id int PRIMARY KEY);\n\n  CREATE TABLE b (id int PRIMARY KEY) ;"))
                .containsExactly("CREATE TABLE a (id int PRIMARY KEY)", "CREATE TABLE b (id int PRIMARY KEY)");
    }

    @Test
    void keepsTheLastStatementWithoutTrailingSemicolon() {
        assertThat(CqlScript.statements("SELECT 1; SELECT 2")).containsExactly("SELECT 1", "SELECT 2");
    }

    @Test
    void ignoresSemicolonsInLineAndBlockComments() {
        String script = """
                -- a comment; with a semicolon
                CREATE TABLE a (id int PRIMARY KEY); // another; one
                /* block; comment
                   over lines; */
                CREATE TABLE b (id int PRIMARY KEY);
                """;
        assertThat(CqlScript.statements(script))
                .containsExactly("CREATE TABLE a (id int PRIMARY KEY)", "CREATE TABLE b (id int PRIMARY KEY)");
    }

    @Test
    void ignoresSemicolonsAndCommentMarkersInsideStringLiteralsAndQuotedNames() {
        String script = "INSERT INTO t (k, v) VALUES ('a;b -- not a comment', 'it''s; fine');"
                + "SELECT \"odd;name\" FROM t";
        assertThat(CqlScript.statements(script)).containsExactly(
                "INSERT INTO t (k, v) VALUES ('a;b -- not a comment', 'it''s; fine')",
                "SELECT \"odd;name\" FROM t");
    }

    @Test
    void keepsDollarQuotedBlocksWhole() {
        String script = "CREATE FUNCTION f (x int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS $$ return x; $$;"
                + "SELECT 1;";
        assertThat(CqlScript.statements(script)).containsExactly(
                "CREATE FUNCTION f (x int) CALLED ON NULL INPUT RETURNS int LANGUAGE java AS $$ return x; $$",
                "SELECT 1");
    }

    @Test
    void aScriptOfOnlyCommentsHasNoStatements() {
        assertThat(CqlScript.statements("-- nothing here;\n/* nor; here */\n ; ;")).isEmpty();
    }

    @Test
    void rejectsUnterminatedLiteralsAndComments() {
        assertThatThrownBy(() -> CqlScript.statements("SELECT 'oops;")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CqlScript.statements("SELECT 1; /* oops")).isInstanceOf(IllegalArgumentException.class);
    }
}
