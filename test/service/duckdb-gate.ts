import { BOOLEAN, DuckDBConnection, DuckDBScalarFunction, VARCHAR } from '@duckdb/node-api';

/**
 * Registers the DuckDB function `test_gate(VARCHAR) -> BOOLEAN`, true for every row, which calls `onChunk` for each
 * chunk of rows it sees. DuckDB calls it on the JS thread while it executes a query, so a test that puts it into a
 * query acts at a moment when that query is known to be running (pass its deadline, close the store), instead of
 * sleeping for a time the query may or may not need on this machine. The function is visible to every connection of
 * the database.
 */
export function registerGate(connection: DuckDBConnection, onChunk: () => void): void {
  connection.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: 'test_gate',
      returnType: BOOLEAN,
      parameterTypes: [VARCHAR],
      volatile: true,
      mainFunction: (_info, input, output) => {
        onChunk();
        for (let i = 0; i < input.rowCount; i++) output.setItem(i, true);
        output.flush();
      },
    }),
  );
}
