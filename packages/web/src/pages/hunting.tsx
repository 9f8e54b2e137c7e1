// Placeholder (issue 8): replaced by the real page.
export function HuntingPage() {
  return <h1>HuntingPage</h1>;
}
