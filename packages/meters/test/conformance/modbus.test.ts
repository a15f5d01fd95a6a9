import { SlaveBank, startRtuSlave } from '@wattbus/simulators/modbus';
import { makePtyPair } from '@wattbus/testkit';
import { registerMap } from '../../src/modbus/models.js';
import { driverSuite, HANG_TIMEOUT_MS, type SimulatedDevice } from '../driver-suite.js';

/** An SDM630 at unit 1 on a socat PTY pair (Modbus RTU, 9600 8N1), silent if asked. */
async function sdm630(silent: boolean, timeoutMs: number): Promise<SimulatedDevice> {
  const bank = new SlaveBank();
  bank.addUnit(1, registerMap('sdm630'));
  if (silent) bank.setFault(1, 'silent');
  const pty = await makePtyPair();
  const framing = { baud: 9600, parity: 'none', data_bits: 8, stop_bits: 1 } as const;
  const slave = await startRtuSlave(bank, { path: pty.b, framing });
  return {
    config: {
      transport: 'rtu',
      port: pty.a,
      model: 'sdm630',
      unit_id: 1,
      baud: 9600,
      parity: 'none',
      timeout_ms: timeoutMs,
    },
    stop: async () => {
      await slave.close();
      await pty.stop();
    },
  };
}

driverSuite('modbus', {
  working: () => sdm630(false, 1000),
  failing: () => sdm630(true, 200),
  hanging: () => sdm630(true, HANG_TIMEOUT_MS),
});
