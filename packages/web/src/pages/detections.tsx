// Placeholder (issue 7): replaced by the real page.
export function DetectionsPage() {
  return <h1>DetectionsPage</h1>;
}
