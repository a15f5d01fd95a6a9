export { HttpClient, type HttpClientOptions, HttpError, type HttpErrorKind } from './client.js';
export { deviceUrl, getDevicePage, type HttpDeviceConfig, httpClientFor, httpDeviceProperties } from './config.js';
