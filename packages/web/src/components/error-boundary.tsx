import { Component, type ReactNode } from 'react';

/** Keeps the navigation usable when one page fails to render (say, an API answer missing a field). */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="notice notice-error" role="alert">
        This page could not be shown: {this.state.error.message}. Reload the page, or go back.
      </div>
    );
  }
}
