import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="center-page">
      <div className="center-card">
        <div className="center-code">404</div>
        <h1 className="page-title">Page not found</h1>
        <p className="page-description">The page you asked for does not exist, or it was moved.</p>
        <Link href="/models" className="btn btn-primary">
          Go to models
        </Link>
      </div>
    </div>
  );
}
