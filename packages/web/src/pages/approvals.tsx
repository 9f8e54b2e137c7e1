// Placeholder (issue 7): replaced by the real page.
export function ApprovalsPage() {
  return <h1>ApprovalsPage</h1>;
}
