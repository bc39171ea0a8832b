#!/usr/bin/env python
"""`make backup` and `make restore` for the PostgreSQL database (security.md R-11).

    python scripts/resilience/backup.py backup                 # pg_dump -Fc of DATABASE_URL
        -> BACKUP_DIR (default var/backups)/<YYYYmmdd-HHMMSS>.dump; prints the path
    python scripts/resilience/backup.py restore FILE [--force] # pg_restore into RESTORE_DATABASE_URL
        created when missing; refused when it already holds tables, unless --force (RESTORE_FORCE=1), which
        drops and re-creates what the dump holds (pg_restore --clean --if-exists).

pg_dump/pg_restore are those of PostgreSQL 15 (PG_BIN, default /usr/lib/postgresql/15/bin, else the PATH).
Passwords go through PGPASSWORD, never on the command line. No personal data is printed.
"""

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parents[2]


def tool(name: str) -> str:
    candidate = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")) / name
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if not found:
        sys.exit(f"{name} introuvable : installer postgresql-client-15 (ou définir PG_BIN).")
    return found


def connection(url: str, database: str | None = None) -> tuple[list[str], dict]:
    """(libpq arguments, environment) for a postgres:// URL."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit("La sauvegarde ne concerne que PostgreSQL : DATABASE_URL doit commencer par postgres://.")
    args = ["-h", parsed.hostname or "localhost", "-p", str(parsed.port or 5432)]
    if parsed.username:
        args += ["-U", unquote(parsed.username)]
    args += ["-d", database or unquote(parsed.path.lstrip("/"))]
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = unquote(parsed.password)
    return args, env


def psql(url: str, sql: str, database: str | None = None) -> str:
    args, env = connection(url, database)
    result = subprocess.run([tool("psql"), *args, "-v", "ON_ERROR_STOP=1", "-Atq", "-c", sql], env=env,  # noqa: S603
                            capture_output=True, text=True, check=False)
    if result.returncode:
        raise RuntimeError(result.stderr.strip())
    return result.stdout.strip()


def backup() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("DATABASE_URL n'est pas défini : rien à sauvegarder (la base SQLite de développement se copie).")
    folder = Path(os.environ.get("BACKUP_DIR", ROOT / "var" / "backups"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{datetime.datetime.now():%Y%m%d-%H%M%S}.dump"
    args, env = connection(url)
    started = time.perf_counter()
    result = subprocess.run([tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(path), *args],  # noqa: S603
                            env=env, check=False)
    if result.returncode:
        path.unlink(missing_ok=True)
        sys.exit(f"pg_dump a échoué (code {result.returncode}).")
    print(f"Sauvegarde écrite en {time.perf_counter() - started:.1f} s ({path.stat().st_size / 1024:.0f} Kio) :",
          file=sys.stderr)
    print(path)
    return 0


def restore(file: str, force: bool) -> int:
    url = os.environ.get("RESTORE_DATABASE_URL", "")
    if not url:
        sys.exit("RESTORE_DATABASE_URL doit nommer la base à remplir, par exemple "
                 "postgres://iae:…@127.0.0.1:5432/iae_restauree (créée si elle n'existe pas).")
    if not Path(file).is_file():
        sys.exit(f"Fichier de sauvegarde introuvable : {file}")
    name = unquote(urlparse(url).path.lstrip("/"))
    try:
        exists = psql(url, f"SELECT 1 FROM pg_database WHERE datname = '{name.replace(chr(39), '')}'",
                      database="postgres") == "1"
    except RuntimeError as error:
        sys.exit(f"Serveur PostgreSQL injoignable : {error}")
    if not exists:
        psql(url, f'CREATE DATABASE "{name}"', database="postgres")
        print(f"Base {name} créée.", file=sys.stderr)
    tables = int(psql(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
    if tables and not force:
        print(f"Refusé : la base {name} contient déjà {tables} tables. Restaurer dans une base vide, ou forcer "
              "(make restore FILE=… FORCE=1) pour la remplacer par la sauvegarde.", file=sys.stderr)
        return 1
    args, env = connection(url)
    options = ["--clean", "--if-exists"] if tables else []
    started = time.perf_counter()
    result = subprocess.run([tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",  # noqa: S603
                             "--single-transaction", *options, *args, file], env=env, check=False)
    if result.returncode:
        sys.exit(f"pg_restore a échoué (code {result.returncode}) : la base {name} n'a pas été modifiée.")
    print(f"Restauration dans {name} en {time.perf_counter() - started:.2f} s.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("backup")
    restore_parser = sub.add_parser("restore")
    restore_parser.add_argument("file")
    restore_parser.add_argument("--force", action="store_true", default=os.environ.get("RESTORE_FORCE") == "1")
    args = parser.parse_args()
    return backup() if args.command == "backup" else restore(args.file, args.force)


if __name__ == "__main__":
    sys.exit(main())
