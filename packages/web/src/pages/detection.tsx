// Placeholder (issue 7): replaced by the real page.
export function DetectionPage(_props: { id: string }) {
  return <h1>DetectionPage</h1>;
}
