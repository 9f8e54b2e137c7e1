// Placeholder (issue 7): replaced by the real page.
export function LockdownPoliciesPage() {
  return <h1>LockdownPoliciesPage</h1>;
}
