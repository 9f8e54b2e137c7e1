// Placeholder (issue 8): replaced by the real page.
export function ValidationsPage() {
  return <h1>ValidationsPage</h1>;
}
