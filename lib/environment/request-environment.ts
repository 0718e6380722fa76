// The environment a console API request acts on: the X-Signalbox-Environment header, else the `environment`
// query parameter, else the console's environment cookie (the UI's environment switcher), else "default".
// A name that is not spelled like one is a 400; one that does not exist is a 404 naming it.
import { DEFAULT_ENVIRONMENT, ENVIRONMENT_COOKIE, ENVIRONMENT_HEADER, EnvironmentName } from "../contract/environments";
import { ApiError, notFound } from "../errors";
import { getEnvironment } from "../repos/environment-repo";

function cookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

export async function requestEnvironment(req: Request): Promise<string> {
  const fromHeader = req.headers.get(ENVIRONMENT_HEADER);
  const fromQuery = new URL(req.url).searchParams.get("environment");
  const fromCookie = cookie(req.headers.get("cookie"), ENVIRONMENT_COOKIE);
  const [name, where] =
    fromHeader !== null ? [fromHeader, `header ${ENVIRONMENT_HEADER}`] : fromQuery !== null ? [fromQuery, "query parameter environment"] : [fromCookie, `cookie ${ENVIRONMENT_COOKIE}`];
  if (name === null || name === DEFAULT_ENVIRONMENT) return DEFAULT_ENVIRONMENT;
  const parsed = EnvironmentName.safeParse(name);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? "not an environment name";
    throw new ApiError(400, "bad_request", `${where}: ${message}`, { errors: [{ path: where, message }] });
  }
  if (!(await getEnvironment(name))) throw notFound(`environment ${name} does not exist (${where}): create it on the Environments page or with POST /api/environments, or start a node with --environment ${name}`);
  return name;
}
