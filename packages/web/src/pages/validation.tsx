// Placeholder (issue 8): replaced by the real page.
export function ValidationPage(_props: { id: string }) {
  return <h1>ValidationPage</h1>;
}
