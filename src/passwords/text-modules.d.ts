// wrangler (and the test runner) bundle .txt files as Text modules: the import is the
// file's content as a string.
declare module "*.txt" {
  const text: string;
  export default text;
}
